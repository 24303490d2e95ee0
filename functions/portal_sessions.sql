/**
 * The signed-in person's devices: their live sessions (browser and device come from the user
 * agent, read by the app), when each started and was last active, and which is this one.
 * p_idle_seconds is the portal's idle timeout, past which a Postgres-mode session is over.
 * Security invoker; private.caller_sessions returns the caller's rows only.
 */
create or replace function public.portal_sessions(p_idle_seconds integer default 1800) returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.caller_sessions(p_idle_seconds)
$$;

revoke all on function public.portal_sessions(integer) from public, anon, authenticated, service_role;
grant execute on function public.portal_sessions(integer) to authenticated;
