/**
 * The signed-in client's appointments: upcoming (confirmed and not yet over, soonest first) and
 * past (over or cancelled, latest first, the 50 most recent). Security invoker: RLS decides.
 */
create or replace function public.portal_bookings() returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'time_zone', (select s.time_zone from public.settings s),
    'upcoming', coalesce((
      select jsonb_agg(private.booking_summary(b) order by b.starts_at)
        from public.bookings b
       where b.status = 'confirmed' and b.ends_at > now()), '[]'::jsonb),
    'past', coalesce((
      select jsonb_agg(p.summary order by p.starts_at desc)
        from (select private.booking_summary(b) as summary, b.starts_at
                from public.bookings b
               where b.status = 'cancelled' or b.ends_at <= now()
               order by b.starts_at desc
               limit 50) p), '[]'::jsonb))
$$;

revoke all on function public.portal_bookings() from public, anon, authenticated, service_role;
grant execute on function public.portal_bookings() to authenticated;
