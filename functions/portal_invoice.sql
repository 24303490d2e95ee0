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
    'terms', inv.terms,
    'sent_at', inv.sent_at,
    'updated_at', inv.updated_at,
    'items', private.document_items('invoice', inv.id),
    'payments', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', p.id, 'amount', p.amount, 'amount_refunded', p.amount_refunded,
               'currency', p.currency, 'method', p.method, 'status', p.status,
               'reference', p.receipt_number, 'card_brand', p.card_brand, 'card_last4', p.card_last4,
               'paid_at', p.paid_at) order by p.paid_at, p.id)
        from public.payments p
       where p.invoice_id = inv.id), '[]'::jsonb),
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
