/**
 * An instant as the business's clock shows it, with the zone named and its offset on that day:
 * "Tuesday, December 1, 2026, 9:00 AM (America/New_York, UTC-05:00)". For emails, which cannot
 * know the reader's zone.
 */
create or replace function private.local_time_label(p_at timestamptz, p_time_zone text) returns text
language sql
stable
set search_path = ''
as $$
  select format('%s (%s, UTC%s%s)',
           to_char(local, 'FMDay, FMMonth FMDD, YYYY, FMHH12:MI AM'), p_time_zone,
           case when offset_minutes < 0 then '-' else '+' end,
           to_char(make_interval(mins => abs(offset_minutes)), 'HH24:MI'))
    from (select p_at at time zone p_time_zone as local,
                 extract(epoch from (p_at at time zone p_time_zone) - (p_at at time zone 'UTC'))::integer / 60
                   as offset_minutes) t
$$;

revoke all on function private.local_time_label(timestamptz, text) from public, anon, authenticated, service_role;
