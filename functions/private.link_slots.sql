/**
 * The slots of an active native booking link that start on the given days (the business's
 * dates): both what the portal offers (available_slots) and what the database accepts (the
 * check_booking trigger), so the two cannot disagree. Slots step by the appointment's duration
 * through each weekly window; blocked dates, the minimum notice and the horizon (the business's
 * today plus horizon_days, inclusive) take some away. `free`: no confirmed booking overlaps the
 * slot plus its buffer, exactly as the exclusion constraint bookings_no_overlap would decide.
 *
 * Time zones: a window is two local times in settings.time_zone; each becomes an instant for its
 * date with `(date + time) at time zone`, and slots step through the real time between them. So
 * on the day clocks go forward a 00:00-04:00 window lasts 3 hours and has no 02:xx slot; on the
 * day they go back it lasts 5 hours and 01:xx comes twice, once per UTC offset. A local time that
 * does not exist is read as Postgres reads it (as standard time: 02:30 becomes 03:30 summer time).
 * Nothing depends on the session's TimeZone.
 *
 * Security definer: whether a slot is free depends on other clients' bookings, which RLS hides;
 * only their times are read, never who booked. Inactive and external links have no slots.
 */
create or replace function private.link_slots(p_link_id uuid, p_first_day date, p_last_day date)
returns table (starts_at timestamptz, ends_at timestamptz, free boolean)
language sql
stable
security definer
set search_path = ''
as $$
  with link as (
    select l.id, l.buffer_minutes, l.min_notice_minutes, make_interval(mins => l.duration_minutes) as duration,
           s.time_zone, greatest(p_first_day, (now() at time zone s.time_zone)::date) as first_day,
           least(p_last_day, (now() at time zone s.time_zone)::date + l.horizon_days) as last_day
      from public.booking_links l cross join public.settings s
     where l.id = p_link_id and l.active and l.kind = 'native'
  ),
  windows as (
    -- Dates step as integers: a series of dates would be timestamptz, hence in the session's zone.
    select link.*, (d.day + a.starts_at) at time zone link.time_zone as opens,
           (d.day + a.ends_at) at time zone link.time_zone as closes
      from link
     cross join lateral (select link.first_day + i as day
                           from generate_series(0, link.last_day - link.first_day) i) d
      join public.booking_availability a
        on a.booking_link_id = link.id and a.weekday = extract(isodow from d.day)
     where not exists (select from public.booking_blocked_dates b
                        where b.booking_link_id = link.id and b.blocked_on = d.day)
  ),
  slots as (
    -- distinct: overlapping windows of one day must not offer a time twice.
    select distinct w.id, w.buffer_minutes, s.starts_at, s.starts_at + w.duration as ends_at
      from windows w
     cross join lateral generate_series(w.opens, w.closes - w.duration, w.duration) s(starts_at)
     where s.starts_at >= now() + make_interval(mins => w.min_notice_minutes)
  )
  select s.starts_at, s.ends_at,
         not exists (select from public.bookings b
                      where b.booking_link_id = s.id and b.status = 'confirmed'
                        and tstzrange(b.starts_at, b.blocked_until, '[)')
                            && tstzrange(s.starts_at, s.ends_at + make_interval(mins => s.buffer_minutes), '[)'))
    from slots s
   order by s.starts_at
$$;

revoke all on function private.link_slots(uuid, date, date) from public, anon, authenticated, service_role;
grant execute on function private.link_slots(uuid, date, date) to authenticated;
