/**
 * Moves a Checkout Session to processing, failed or expired, never backwards: an "expired"
 * that arrives after "completed" leaves the session complete. A session the portal has not
 * saved yet gets its state when it is (save_checkout_session reads the events).
 */
create or replace function private.set_checkout_status(p_session_id text, p_status text) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  changed boolean;
begin
  -- With save_checkout_session: whichever of the two comes second sees what the first did.
  perform pg_advisory_xact_lock(hashtext('checkout_session:' || p_session_id));
  update public.checkout_sessions s set status = p_status
   where s.id = p_session_id and s.status in ('open', 'processing') and s.status <> p_status;
  changed := found;
  return jsonb_build_object('status', case when changed then p_status else 'unchanged' end,
                            'session_id', p_session_id);
end
$$;

revoke all on function private.set_checkout_status(text, text) from public, anon, authenticated, service_role;
grant execute on function private.set_checkout_status(text, text) to service_role;
