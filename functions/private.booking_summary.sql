/**
 * One appointment as the portal shows it. `link_slug` is null once the link is retired (clients
 * no longer see it, so there is nothing to book again); `cancellable` follows the notice the
 * client booked under.
 */
create or replace function private.booking_summary(p_booking public.bookings) returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_booking.id,
    'title', p_booking.title,
    'link_slug', (select l.slug from public.booking_links l where l.id = p_booking.booking_link_id),
    'starts_at', p_booking.starts_at,
    'ends_at', p_booking.ends_at,
    'duration_minutes', extract(epoch from p_booking.ends_at - p_booking.starts_at)::integer / 60,
    'note', p_booking.note,
    'location', p_booking.location,
    'meeting_url', p_booking.meeting_url,
    'status', p_booking.status,
    'cancelled_at', p_booking.cancelled_at,
    'created_at', p_booking.created_at,
    'cancellable', private.booking_cancellable(p_booking.starts_at, p_booking.min_notice_minutes),
    'cancellable_until', p_booking.starts_at - make_interval(mins => p_booking.min_notice_minutes)
  )
$$;

revoke all on function private.booking_summary(public.bookings) from public, anon, authenticated, service_role;
grant execute on function private.booking_summary(public.bookings) to authenticated;
