/**
 * Moves a Checkout Session to processing, failed or expired, never backwards: an "expired"
 * that arrives after "completed" leaves the session complete.
 */
create or replace function private.set_checkout_status(p_session_id text, p_status text) returns jsonb
language sql
set search_path = ''
as $$
  with changed as (
    update public.checkout_sessions s set status = p_status
     where s.id = p_session_id and s.status in ('open', 'processing') and s.status <> p_status
    returning s.id)
  select jsonb_build_object('status', case when exists (select from changed) then p_status else 'unchanged' end,
                            'session_id', p_session_id)
$$;

revoke all on function private.set_checkout_status(text, text) from public, anon, authenticated, service_role;
grant execute on function private.set_checkout_status(text, text) to service_role;
