/**
 * Whether the caller's session still makes them someone: the one identity rule
 * (private.current_client_id: portal access, not archived, the portal's magic-link flow, a
 * session not ended). Supabase mode asks it on each request with the person's own token, so
 * switching access off, a session ended from another device ("sign out everywhere") or a
 * deleted auth.sessions row ends the browser's session at its next request, as Postgres mode's
 * touch_session does.
 */
create or replace function public.portal_session_live() returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select to_jsonb(private.current_client_id() is not null)
$$;

revoke all on function public.portal_session_live() from public, anon, authenticated, service_role;
grant execute on function public.portal_session_live() to authenticated;
