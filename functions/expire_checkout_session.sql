/** Marks a session the portal expired on Stripe (a newer "Pay now" replaced it). Service role only. */
create or replace function public.expire_checkout_session(p_session_id text) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select private.set_checkout_status(p_session_id, 'expired')
$$;

revoke all on function public.expire_checkout_session(text) from public, anon, authenticated, service_role;
grant execute on function public.expire_checkout_session(text) to service_role;
