/**
 * Cancels one of the signed-in client's confirmed appointments; false when there is none such
 * (another client's, missing, or already cancelled, e.g. by a simultaneous request). Clients
 * have no update grant on bookings; the check_booking trigger enforces the notice.
 */
create or replace function private.cancel_for_current_client(p_booking_id uuid) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if private.current_client_id() is not null then
    perform private.require_role_for('book');
  end if;
  update public.bookings b
     set status = 'cancelled'
   where b.id = p_booking_id
     and b.client_id = private.current_client_id()
     and b.status = 'confirmed';
  return found;
end
$$;

revoke all on function private.cancel_for_current_client(uuid) from public, anon, authenticated, service_role;
grant execute on function private.cancel_for_current_client(uuid) to authenticated;
