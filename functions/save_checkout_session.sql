/**
 * Records a Checkout Session the portal opened (idempotent on its id: Stripe answers a
 * repeated idempotency key with the same session). Stripe's webhook may have come first: the
 * session then starts in the state its events already gave it (paid, processing, failed,
 * expired), never "open" for ever, and a payment recorded from metadata naming another invoice
 * than this session's is flagged 'invoice_mismatch' (it stops counting there). Service role only.
 */
create or replace function public.save_checkout_session(p_session jsonb, p_stripe_account text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  session_id text := p_session ->> 'id';
  saved public.checkout_sessions;
begin
  -- With record_checkout_payment: whichever of the two comes second sees what the first did.
  perform pg_advisory_xact_lock(hashtext('checkout_session:' || session_id));
  insert into public.checkout_sessions as s (id, invoice_id, client_id, amount, currency, stripe_account, url,
                                             expires_at, payment_intent_id, status, shares)
  values (session_id, (p_session -> 'metadata' ->> 'invoice_id')::uuid,
          (p_session -> 'metadata' ->> 'client_id')::uuid, (p_session ->> 'amount_total')::bigint,
          upper(p_session ->> 'currency'), p_stripe_account, p_session ->> 'url',
          to_timestamp((p_session ->> 'expires_at')::bigint), p_session ->> 'payment_intent',
          private.checkout_status_from_events(session_id), private.checkout_shares(p_session -> 'metadata'))
  on conflict (id) do update set updated_at = now()
  returning s.* into saved;
  update public.payments p set flag = 'invoice_mismatch'
   where p.stripe_checkout_session_id = session_id
     and (p.invoice_id <> saved.invoice_id or p.client_id <> saved.client_id)
     and p.flag is distinct from 'invoice_mismatch';
  return jsonb_build_object('id', saved.id, 'url', saved.url, 'status', saved.status);
end
$$;

revoke all on function public.save_checkout_session(jsonb, text) from public, anon, authenticated, service_role;
grant execute on function public.save_checkout_session(jsonb, text) to service_role;
