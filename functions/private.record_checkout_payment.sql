/**
 * Records the payment of a paid Checkout Session: once per PaymentIntent, whoever reports it
 * first (the webhook or the success page). The payment is checked against what the session
 * asked: another currency or amount is recorded but flagged and not counted; money beyond what
 * is due is counted and flagged as an overpayment. Never lost: an unknown invoice is reported,
 * and the event that carried it is kept. The confirmation email is queued in the same
 * transaction.
 */
create or replace function private.record_checkout_payment(p_session jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  invoice_id uuid := coalesce(p_session -> 'metadata' ->> 'invoice_id', p_session ->> 'client_reference_id')::uuid;
  inv public.invoices;
  asked public.checkout_sessions;
  paid_amount bigint := (p_session ->> 'amount_total')::bigint;
  paid_currency text := upper(p_session ->> 'currency');
  intent text := coalesce(p_session ->> 'payment_intent', p_session ->> 'id');
  payment public.payments;
  flag text;
begin
  -- One invoice at a time: concurrent reports of payments for it are decided one after another.
  select i.* into inv from public.invoices i where i.id = invoice_id for update;
  if not found then
    return jsonb_build_object('status', 'unknown_invoice', 'invoice_id', invoice_id);
  end if;
  select p.* into payment from public.payments p where p.stripe_payment_intent_id = intent;
  if found then
    return jsonb_build_object('status', 'already_recorded', 'payment_id', payment.id, 'invoice_id', inv.id,
                              'amount', payment.amount, 'currency', payment.currency, 'flag', payment.flag,
                              'reference', intent);
  end if;
  select s.* into asked from public.checkout_sessions s where s.id = p_session ->> 'id';
  flag := case
    when paid_currency is distinct from inv.currency then 'currency_mismatch'
    when asked.id is not null and paid_amount <> asked.amount then 'amount_mismatch'
    when paid_amount > inv.amount_due then 'overpayment'
  end;

  insert into public.payments (invoice_id, amount, currency, method, status, stripe_payment_intent_id,
                               stripe_checkout_session_id, flag, paid_at)
  values (inv.id, paid_amount, coalesce(paid_currency, inv.currency), 'card', 'succeeded', intent,
          p_session ->> 'id', flag, now())
  returning * into payment;
  update public.checkout_sessions s set status = 'complete', payment_intent_id = intent
   where s.id = p_session ->> 'id';

  insert into public.outbox (client_id, dedupe_key, to_email, subject, body_text)
  select c.id, 'payment_receipt:' || payment.id, c.email,
         format('Payment received for invoice %s', inv.number),
         format(E'Hello %s,\n\nThank you: we received your payment of %s for invoice %s.\n'
                'Reference: %s\n\nSee the invoice: %s/invoices/%s\n\n%s',
                c.name, private.format_money(payment.amount, payment.currency), inv.number, intent,
                coalesce((select s.portal_base_url from public.settings s), ''), inv.id,
                (select s.business_name from public.settings s))
    from public.clients c where c.id = inv.client_id
  on conflict (dedupe_key) do nothing;

  return jsonb_build_object('status', 'recorded', 'payment_id', payment.id, 'invoice_id', inv.id,
                            'amount', payment.amount, 'currency', payment.currency, 'flag', flag,
                            'reference', intent);
end
$$;

revoke all on function private.record_checkout_payment(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.record_checkout_payment(jsonb) to service_role;
