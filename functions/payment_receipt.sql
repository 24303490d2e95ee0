/**
 * A payment's receipt: number, date, amount, method (card brand and last four), the invoice and
 * what remained due on it after this payment, the parties as frozen on the invoice, and the
 * refunds given back on it (each with its own number). Security invoker: a client reads only
 * its own (another's or a missing one is the same not found); the service reads any, to attach
 * the receipt to the confirmation email.
 */
create or replace function public.payment_receipt(p_payment_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  pay public.payments;
  inv public.invoices;
begin
  select p.* into pay from public.payments p where p.id = p_payment_id;  -- RLS filters
  if found then
    select i.* into inv from public.invoices i where i.id = pay.invoice_id;
  end if;
  if inv.id is null then
    raise exception 'Payment not found.' using errcode = 'P0002';
  end if;
  return jsonb_build_object(
    'id', pay.id,
    'receipt_number', pay.receipt_number,
    'paid_at', pay.paid_at,
    'amount', pay.amount,
    'currency', pay.currency,
    'method', pay.method,
    'card_brand', pay.card_brand,
    'card_last4', pay.card_last4,
    'status', pay.status,
    'flag', pay.flag,
    'amount_refunded', pay.amount_refunded,
    'invoice', jsonb_build_object(
      'id', inv.id, 'number', inv.number, 'issue_date', inv.issue_date, 'total', inv.total,
      'currency', inv.currency, 'status', inv.status, 'parties', inv.issued_parties,
      'amount_due', case when inv.status = 'void' then 0 else inv.amount_due end),
    -- What was left to pay once this payment (and the ones before it) counted: a receipt says
    -- the same thing whenever it is printed. Refunds are their own documents.
    'remaining_due', greatest(inv.total - (
      select coalesce(sum(coalesce(s.amount, p.amount)), 0)
        from public.payments p
        -- A payment of several invoices counts here with this invoice's share only.
        left join public.payment_shares s on s.payment_id = p.id and s.invoice_id = inv.id
       where (s.id is not null
              or (p.invoice_id = inv.id
                  and not exists (select from public.payment_shares o where o.payment_id = p.id)))
         and p.status in ('succeeded', 'partially_refunded', 'refunded')
         and (p.flag is null or p.flag = 'overpayment')
         and (p.paid_at, p.id) <= (pay.paid_at, pay.id)), 0),
    -- A payment of several invoices: each one's share, and what it owes now.
    'shares', coalesce((
      select jsonb_agg(jsonb_build_object(
               'invoice_id', i.id, 'number', i.number, 'amount', s.amount,
               'amount_due', case when i.status = 'void' then 0 else i.amount_due end) order by s.position)
        from public.payment_shares s join public.invoices i on i.id = s.invoice_id
       where s.payment_id = pay.id), '[]'::jsonb),
    'refunds', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', r.id, 'refund_number', r.refund_number, 'amount', r.amount,
               'currency', r.currency, 'refunded_at', r.refunded_at) order by r.refunded_at, r.id)
        from public.refunds r where r.payment_id = pay.id), '[]'::jsonb));
end
$$;

revoke all on function public.payment_receipt(uuid) from public, anon, authenticated, service_role;
grant execute on function public.payment_receipt(uuid) to authenticated, service_role;
