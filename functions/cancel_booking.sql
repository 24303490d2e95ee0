/**
 * The signed-in client cancels one of its upcoming appointments, while the notice it booked
 * under allows (the check_booking trigger decides and says why not). Another client's
 * appointment reads "not found", exactly like a missing one. Returns the cancelled booking.
 */
create or replace function public.cancel_booking(p_booking_id uuid) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if not exists (select from public.bookings b where b.id = p_booking_id) then
    raise exception 'Appointment not found.' using errcode = 'P0002';
  end if;
  -- A simultaneous cancellation leaves nothing to cancel here.
  if not private.cancel_for_current_client(p_booking_id) then
    raise exception 'This appointment was already cancelled.' using errcode = '55000';
  end if;
  return public.portal_booking(p_booking_id);
end
$$;

revoke all on function public.cancel_booking(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cancel_booking(uuid) to authenticated;
