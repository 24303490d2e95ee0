/**
 * One of the signed-in client's invoices with its items, payment history (receipt number and
 * card, the Stripe ids stay with the business) and a failed last online attempt. Another client's
 * invoice, a draft or an archived one raises exactly what a missing one does: not found.
 */
create or replace function public.portal_invoice(p_invoice_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  inv public.invoices;
begin
  select i.* into inv from public.invoices i where i.id = p_invoice_id;  -- RLS filters
  if not found then
    raise exception 'Invoice not found.' using errcode = 'P0002';
  end if;
  return private.invoice_summary(inv, private.business_today()) || jsonb_build_object(
    'status', inv.status,
    'subtotal', inv.subtotal,
    'tax_total', inv.tax_total,
    'notes', inv.notes,
    -- Issued documents print the parties and terms frozen when they were sent.
    'terms', coalesce(inv.issued_parties ->> 'terms', inv.terms),
    'parties', inv.issued_parties,
    'tax_breakdown', private.tax_breakdown(inv.id, null),
    'zero_tax_reason', inv.zero_tax_reason,
    -- The accepted quote it came from (RLS: only when the client can see it).
    'quote', (select jsonb_build_object('id', q.id, 'number', q.number)
                from public.quotes q where q.id = inv.quote_id),
    'sent_at', inv.sent_at,
    'updated_at', inv.updated_at,
    'items', private.document_items('invoice', inv.id),
    -- A payment of several invoices is listed on each with this invoice's share of it. Two
    -- disjoint sets, each read through its invoice index (not every payment of the client):
    -- the payments with a share of this invoice, and this invoice's own payments with no share.
    'payments', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', p.id, 'amount', coalesce(p.share_amount, p.amount), 'amount_refunded', p.amount_refunded,
               'currency', p.currency, 'method', p.method, 'status', p.status,
               'reference', p.receipt_number, 'card_brand', p.card_brand, 'card_last4', p.card_last4,
               'paid_at', p.paid_at, 'shared_from', case when p.share_id is not null then p.amount end)
               order by p.paid_at, p.id)
        from (select p.*, s.id as share_id, s.amount as share_amount
                from public.payment_shares s
                join public.payments p on p.id = s.payment_id
               where s.invoice_id = inv.id
              union all
              select p.*, null, null
                from public.payments p
               where p.invoice_id = inv.id
                 and not exists (select from public.payment_shares o where o.payment_id = p.id)) p), '[]'::jsonb),
    -- Money given back, each refund with its own line and document.
    'refunds', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', r.id, 'payment_id', r.payment_id, 'refund_number', r.refund_number,
               'amount', r.amount, 'currency', r.currency, 'refunded_at', r.refunded_at)
               order by r.refunded_at, r.id)
        from public.refunds r
       where r.invoice_id = inv.id), '[]'::jsonb),
    -- The latest online attempt, when it failed: the page says so and what to do next.
    'failed_attempt', (
      select jsonb_build_object('amount', s.amount, 'currency', s.currency, 'failed_at', s.updated_at)
        from (select s.* from public.checkout_sessions s where s.invoice_id = inv.id
               order by s.created_at desc limit 1) s
       where s.status = 'failed')
  );
end
$$;

revoke all on function public.portal_invoice(uuid) from public, anon, authenticated, service_role;
grant execute on function public.portal_invoice(uuid) to authenticated;
