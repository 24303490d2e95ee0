/**
 * Records a Checkout Session the portal opened (idempotent on its id: Stripe answers a
 * repeated idempotency key with the same session). Service role only.
 */
create or replace function public.save_checkout_session(p_session jsonb, p_stripe_account text default null)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  insert into public.checkout_sessions (id, invoice_id, client_id, amount, currency, stripe_account, url,
                                        expires_at, payment_intent_id)
  values (p_session ->> 'id', (p_session -> 'metadata' ->> 'invoice_id')::uuid,
          (p_session -> 'metadata' ->> 'client_id')::uuid, (p_session ->> 'amount_total')::bigint,
          upper(p_session ->> 'currency'), p_stripe_account, p_session ->> 'url',
          to_timestamp((p_session ->> 'expires_at')::bigint), p_session ->> 'payment_intent')
  on conflict (id) do update set updated_at = now()
  returning jsonb_build_object('id', id, 'url', url, 'status', status)
$$;

revoke all on function public.save_checkout_session(jsonb, text) from public, anon, authenticated, service_role;
grant execute on function public.save_checkout_session(jsonb, text) to service_role;
