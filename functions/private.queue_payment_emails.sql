/**
 * The emails a recorded payment sends, queued as kinds with their context (the worker renders
 * them): the receipt when the money counts; when it does not (wrong amount, currency or
 * invoice), a note to the client that the payment is being reviewed instead; and, when the
 * business wants to hear of payments, a notice to it: a flagged payment gets its own, prominent
 * one (payment_flagged). One of each per payment (dedupe keys).
 */
create or replace function private.queue_payment_emails(p_payment public.payments) returns void
language plpgsql
set search_path = ''
as $$
declare
  details jsonb;
  counted boolean := p_payment.flag is null or p_payment.flag = 'overpayment';
begin
  select jsonb_build_object(
           'payment_id', p_payment.id, 'amount', p_payment.amount, 'currency', p_payment.currency,
           'receipt_number', p_payment.receipt_number, 'payment_intent', p_payment.stripe_payment_intent_id,
           'card_brand', p_payment.card_brand, 'card_last4', p_payment.card_last4,
           'paid_at', p_payment.paid_at, 'flag', p_payment.flag,
           'invoice_id', i.id, 'invoice_number', i.number, 'invoice_currency', i.currency,
           'invoice_total', i.total, 'amount_due', i.amount_due,
           'client_name', c.name, 'client_email', c.email,
           'business_name', s.business_name, 'contact_email', s.contact_email, 'contact_phone', s.contact_phone)
    into details
    from public.invoices i
    join public.clients c on c.id = i.client_id
    cross join public.settings s
   where i.id = p_payment.invoice_id;

  insert into public.outbox (client_id, dedupe_key, to_email, kind, context)
  select p_payment.client_id,
         case when counted then 'payment_receipt:' else 'payment_under_review:' end || p_payment.id,
         details ->> 'client_email',
         case when counted then 'payment_receipt' else 'payment_under_review' end,
         details
  on conflict (dedupe_key) do nothing;

  if p_payment.flag is not null then
    perform private.notify_business('payment_received', 'payment_flagged',
                                    'payment_flagged:' || p_payment.id, details);
  else
    perform private.notify_business('payment_received', 'business_payment_received',
                                    'business_payment_received:' || p_payment.id, details);
  end if;
end
$$;

revoke all on function private.queue_payment_emails(public.payments) from public, anon, authenticated;
grant execute on function private.queue_payment_emails(public.payments) to service_role;
