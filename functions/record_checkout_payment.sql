/**
 * The success page's way to record a paid session it has just retrieved from Stripe: the very
 * function the webhook uses, so whichever comes first records it and the other finds it done.
 * Service role only.
 */
create or replace function public.record_checkout_payment(p_session jsonb) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select private.record_checkout_payment(p_session)
$$;

revoke all on function public.record_checkout_payment(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.record_checkout_payment(jsonb) to service_role;
