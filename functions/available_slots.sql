/**
 * The free times of one of the business's native booking links, grouped by the business's
 * dates, for p_days days from p_from (default: the business's today; never earlier). Days
 * without a free time are left out; when none is left, `next_available_date` is the first later
 * date with one (within the horizon), so a page can jump there (looked up only then: it may scan
 * the whole horizon). Times are instants (timestamptz); `time_zone` names the business's zone to
 * show them in. Security invoker: RLS shows only active links.
 */
create or replace function public.available_slots(p_link_slug text, p_from date default null,
                                                  p_days integer default null)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  link public.booking_links;
  business_zone text := (select s.time_zone from public.settings s);
  today date := (now() at time zone business_zone)::date;
  days integer := coalesce(p_days, 7);
  first_day date;
  last_day date;
  free_days jsonb;
begin
  select l.* into link from public.booking_links l where l.slug = p_link_slug;
  if not found then
    raise exception 'Booking link not found.' using errcode = 'P0002';
  end if;
  if link.kind <> 'native' then
    raise exception 'This appointment is booked on an external page.' using errcode = '22023';
  end if;
  if days not between 1 and 31 then
    raise exception 'Days must be between 1 and 31.' using errcode = '22023';
  end if;
  first_day := greatest(coalesce(p_from, today), today);
  last_day := first_day + days - 1;
  free_days := coalesce((
    select jsonb_agg(jsonb_build_object('date', d.day, 'slots', d.slots) order by d.day)
      from (select (s.starts_at at time zone business_zone)::date as day,
                   jsonb_agg(jsonb_build_object('starts_at', s.starts_at, 'ends_at', s.ends_at)
                             order by s.starts_at) as slots
              from private.link_slots(link.id, first_day, last_day) s
             where s.free
             group by 1) d), '[]'::jsonb);
  return jsonb_build_object(
    'link', jsonb_build_object(
      'id', link.id, 'slug', link.slug, 'title', link.title, 'description', link.description,
      'duration_minutes', link.duration_minutes, 'min_notice_minutes', link.min_notice_minutes,
      'horizon_days', link.horizon_days),
    'time_zone', business_zone,
    'today', today,
    'from', first_day,
    'to', last_day,
    'last_bookable_date', today + link.horizon_days,
    'days', free_days,
    'next_available_date', case when free_days = '[]' then (
      select min((s.starts_at at time zone business_zone)::date)
        from private.link_slots(link.id, last_day + 1, today + link.horizon_days) s
       where s.free) end);
end
$$;

revoke all on function public.available_slots(text, date, integer) from public, anon, authenticated, service_role;
grant execute on function public.available_slots(text, date, integer) to authenticated;
