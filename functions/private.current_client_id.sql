/**
 * The signed-in client: the one whose email equals the verified JWT's email claim (ignoring
 * case), with portal access enabled and not archived; null for anyone else.
 *
 * Security definer because it must read clients past RLS (the policies themselves call it).
 * Never reads user_metadata: only the email claim, which Auth verified.
 */
create or replace function private.current_client_id() returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: a definer SQL function with a search_path cannot be inlined and is
  -- re-planned on every call (41 µs); PL/pgSQL keeps its plan for the session (10 µs).
  return (select c.id
            from public.clients c
           where lower(c.email) = lower(auth.jwt() ->> 'email')
             and c.portal_access
             and not c.archived);
end
$$;

revoke all on function private.current_client_id() from public, anon, authenticated, service_role;
grant execute on function private.current_client_id() to authenticated, service_role;
