/**
 * A refund of p_amount on a payment: the client's notice and, when the business wants it, the
 * business's. One of each per refund (the dedupe keys name the refunded total it reached).
 * Called by record_refund.
 */
create or replace function private.queue_refund_emails(p_payment_id uuid, p_amount bigint) returns void
language plpgsql
set search_path = ''
as $$
declare
  details jsonb;
  key text;
begin
  select jsonb_build_object(
           'payment_id', p.id, 'refund_amount', p_amount, 'amount_refunded', p.amount_refunded,
           'amount', p.amount, 'currency', p.currency, 'receipt_number', p.receipt_number,
           'card_brand', p.card_brand, 'card_last4', p.card_last4,
           'invoice_id', i.id, 'invoice_number', i.number, 'invoice_currency', i.currency,
           'amount_due', i.amount_due, 'client_name', c.name, 'client_email', c.email),
         p.id || ':' || p.amount_refunded
    into details, key
    from public.payments p
    join public.invoices i on i.id = p.invoice_id
    join public.clients c on c.id = i.client_id
   where p.id = p_payment_id;

  insert into public.outbox (client_id, dedupe_key, to_email, kind, context)
  select i.client_id, 'refund:' || key, details ->> 'client_email', 'refund', details
    from public.invoices i where i.id = (details ->> 'invoice_id')::uuid
  on conflict (dedupe_key) do nothing;
  perform private.notify_business('refund', 'business_refund', 'business_refund:' || key, details);
end
$$;

revoke all on function private.queue_refund_emails(uuid, bigint) from public, anon, authenticated, service_role;
grant execute on function private.queue_refund_emails(uuid, bigint) to service_role;
