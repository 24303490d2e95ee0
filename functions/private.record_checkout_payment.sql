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
  shares jsonb;
begin
  -- With save_checkout_session: whichever of the two comes second sees what the first did.
  perform pg_advisory_xact_lock(hashtext('checkout_session:' || session_id));
  select s.* into asked from public.checkout_sessions s where s.id = session_id;
  target_invoice := coalesce(asked.invoice_id, named_invoice::uuid);
  shares := coalesce(asked.shares, private.checkout_shares(p_session -> 'metadata'));
  -- A payment of several invoices locks them all, in one order, so two tabs paying overlapping
  -- sets are decided one after the other (and never deadlock).
  perform from public.invoices i
   where i.id in (select (e ->> 'invoice_id')::uuid from jsonb_array_elements(shares) e)
   order by i.id for update;
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
    when shares is null and paid_amount > inv.amount_due then 'overpayment'
    -- Several invoices: any share beyond what its invoice still owes (another tab paid first).
    when exists (select from jsonb_array_elements(shares) e
                   join public.invoices i on i.id = (e ->> 'invoice_id')::uuid
                  where (e ->> 'amount')::bigint > i.amount_due) then 'overpayment'
  end;

  -- Charge events that came first (card details, a refund) apply on insert (trigger).
  insert into public.payments (invoice_id, amount, currency, method, status, stripe_payment_intent_id,
                               stripe_checkout_session_id, flag, paid_at)
  values (inv.id, paid_amount, coalesce(paid_currency, inv.currency), 'card', 'succeeded', intent,
          session_id, flag, now())
  returning id into new_payment_id;
  -- Split across the invoices it pays, when it is what was asked (otherwise it waits, flagged,
  -- on the session's invoice for an administrator).
  if shares is not null and (flag is null or flag = 'overpayment')
     and paid_amount = (select sum((e ->> 'amount')::bigint) from jsonb_array_elements(shares) e) then
    insert into public.payment_shares (payment_id, invoice_id, position, amount)
    select new_payment_id, (e ->> 'invoice_id')::uuid, t.position::int, (e ->> 'amount')::bigint
      from jsonb_array_elements(shares) with ordinality as t(e, position);
  end if;
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
