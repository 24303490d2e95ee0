/**
 * The signed-in person: the contact whose email the verified JWT carries, of the client
 * private.current_client_id() accepts (so every identity rule applies), or null.
 *
 * Security definer: the role checks of functions and policies read contacts past RLS.
 */
create or replace function private.current_contact() returns public.contacts
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  contact public.contacts;
begin
  select k.* into contact from public.contacts k
   where lower(k.email) = lower(auth.jwt() ->> 'email') and k.client_id = private.current_client_id();
  return contact;
end
$$;

revoke all on function private.current_contact() from public, anon, authenticated, service_role;
grant execute on function private.current_contact() to authenticated, service_role;
