/**
 * "Sign out" of one device, of all the others, or everywhere: see private.end_caller_sessions.
 * Security invoker; the helper touches the caller's own sessions only.
 */
create or replace function public.end_portal_sessions(p_scope text, p_session_id uuid default null)
returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.end_caller_sessions(p_scope, p_session_id)
$$;

revoke all on function public.end_portal_sessions(text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.end_portal_sessions(text, uuid) to authenticated;
