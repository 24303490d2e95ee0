/**
 * Inserts a booking for the signed-in client. Clients have no insert grant on bookings: this is
 * their one way in, and it can only book for the caller. The check_booking trigger holds the
 * row to the link's rules (the request is still the client's: the JWT claims say so) and the
 * exclusion constraint refuses an overlap, however many requests race.
 */
create or replace function private.book_for_current_client(p_link_id uuid, p_starts_at timestamptz, p_note text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
  booking_id uuid;
begin
  if me is null then
    raise exception 'Only signed-in clients can book.' using errcode = '42501';
  end if;
  perform private.require_role_for('book');
  insert into public.bookings (booking_link_id, client_id, starts_at, note)
  values (p_link_id, me, p_starts_at, p_note)
  returning id into booking_id;
  return booking_id;
end
$$;

revoke all on function private.book_for_current_client(uuid, timestamptz, text) from public, anon, authenticated, service_role;
grant execute on function private.book_for_current_client(uuid, timestamptz, text) to authenticated;
