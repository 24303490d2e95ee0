/**
 * Records the payment of a paid Checkout Session: once per PaymentIntent, whoever reports it
 * first (the webhook or the success page). The session the portal stored is the truth: the
 * payment lands on the stored session's invoice, and an event whose metadata or
 * client_reference_id names another invoice or client is recorded there, flagged
 * 'invoice_mismatch' and not counted (never applied to the invoice it names). Without a stored session (the webhook came first) the metadata
 * decides, and save_checkout_session checks it later. The payment is checked against what was
 * asked: another currency or amount is flagged and not counted; money beyond what is due is
 * counted and flagged as an overpayment. Never lost: an unknown invoice is reported, and the
 * event that carried it is kept. Its emails are queued in the same transaction.
 */
create or replace function private.record_checkout_payment(p_session jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  session_id text := p_session ->> 'id';
  -- Compared as text: a stored session decides even when the event names no valid invoice id.
  named_invoice text := coalesce(p_session -> 'metadata' ->> 'invoice_id', p_session ->> 'client_reference_id');
  named_client text := p_session -> 'metadata' ->> 'client_id';
  target_invoice uuid;
  inv public.invoices;
  asked public.checkout_sessions;
  paid_amount bigint := (p_session ->> 'amount_total')::bigint;
  paid_currency text := upper(p_session ->> 'currency');
  intent text := coalesce(p_session ->> 'payment_intent', p_session ->> 'id');
  payment public.payments;
  flag text;
  new_payment_id uuid;
begin
  -- With save_checkout_session: whichever of the two comes second sees what the first did.
  perform pg_advisory_xact_lock(hashtext('checkout_session:' || session_id));
  select s.* into asked from public.checkout_sessions s where s.id = session_id;
  target_invoice := coalesce(asked.invoice_id, named_invoice::uuid);
  -- One invoice at a time: concurrent reports of payments for it are decided one after another.
  select i.* into inv from public.invoices i where i.id = target_invoice for update;
  if not found then
    return jsonb_build_object('status', 'unknown_invoice', 'invoice_id', target_invoice);
  end if;
  select p.* into payment from public.payments p where p.stripe_payment_intent_id = intent;
  if found then
    return jsonb_build_object('status', 'already_recorded', 'payment_id', payment.id, 'invoice_id', payment.invoice_id,
                              'amount', payment.amount, 'currency', payment.currency, 'flag', payment.flag,
                              'reference', payment.receipt_number, 'card_brand', payment.card_brand,
                              'card_last4', payment.card_last4);
  end if;
  flag := case
    when named_invoice <> inv.id::text
      or (p_session ->> 'client_reference_id') <> inv.id::text
      or named_client <> inv.client_id::text then 'invoice_mismatch'
    when paid_currency is distinct from inv.currency then 'currency_mismatch'
    when asked.id is not null and paid_amount <> asked.amount then 'amount_mismatch'
    when paid_amount > inv.amount_due then 'overpayment'
  end;

  -- Charge events that came first (card details, a refund) apply on insert (trigger).
  insert into public.payments (invoice_id, amount, currency, method, status, stripe_payment_intent_id,
                               stripe_checkout_session_id, flag, paid_at)
  values (inv.id, paid_amount, coalesce(paid_currency, inv.currency), 'card', 'succeeded', intent,
          session_id, flag, now())
  returning id into new_payment_id;
  select p.* into payment from public.payments p where p.id = new_payment_id;
  update public.checkout_sessions s set status = 'complete', payment_intent_id = intent where s.id = session_id;
  perform private.queue_payment_emails(payment);

  return jsonb_build_object('status', 'recorded', 'payment_id', payment.id, 'invoice_id', inv.id,
                            'amount', payment.amount, 'currency', payment.currency, 'flag', flag,
                            'reference', payment.receipt_number, 'card_brand', payment.card_brand,
                            'card_last4', payment.card_last4);
end
$$;

revoke all on function private.record_checkout_payment(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.record_checkout_payment(jsonb) to service_role;
