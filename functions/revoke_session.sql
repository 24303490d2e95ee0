/** Ends a portal session at once (sign-out). Service role only; revoking twice is harmless. */
create or replace function public.revoke_session(p_session_id uuid, p_now timestamptz default now())
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  with revoked as (
    update private.sessions s set revoked_at = coalesce(s.revoked_at, p_now)
     where s.id = p_session_id
    returning s.id)
  select jsonb_build_object('status', case when exists (select from revoked) then 'revoked' else 'unknown' end)
$$;

revoke all on function public.revoke_session(uuid, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.revoke_session(uuid, timestamptz) to service_role;
