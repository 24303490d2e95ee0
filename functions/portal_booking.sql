/**
 * One of the signed-in client's appointments, with its calendar file (`ics`) and the business's
 * time zone. Security invoker: another client's appointment reads "not found", like a missing one.
 */
create or replace function public.portal_booking(p_booking_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  booking public.bookings;
begin
  select b.* into booking from public.bookings b where b.id = p_booking_id;
  if not found then
    raise exception 'Appointment not found.' using errcode = 'P0002';
  end if;
  return private.booking_summary(booking) || jsonb_build_object(
    'time_zone', (select s.time_zone from public.settings s),
    'ics', private.booking_ics(booking));
end
$$;

revoke all on function public.portal_booking(uuid) from public, anon, authenticated, service_role;
grant execute on function public.portal_booking(uuid) to authenticated;
