/**
 * The signed-in client: the one whose email equals the verified JWT's email claim (ignoring
 * case), with portal access enabled and not archived; null for anyone else.
 *
 * Security definer because it must read clients past RLS (the policies themselves call it).
 * Never reads user_metadata: only the email claim, which Auth verified.
 */
create or replace function private.current_client_id() returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select c.id
    from public.clients c
   where lower(c.email) = lower((select auth.jwt()) ->> 'email')
     and c.portal_access
     and not c.archived
$$;

revoke all on function private.current_client_id() from public, anon;
grant execute on function private.current_client_id() to authenticated, service_role;
