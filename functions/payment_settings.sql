/** The connected Stripe account, for checking where webhook events come from. Service role only. */
create or replace function public.payment_settings() returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('stripe_account', s.stripe_account_id) from public.settings s
$$;

revoke all on function public.payment_settings() from public, anon, authenticated, service_role;
grant execute on function public.payment_settings() to service_role;
