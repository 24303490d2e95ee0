/**
 * The signed-in client's statement of account for a period (both days included, business time
 * zone; this year so far when not given), per currency: the opening balance, every invoice (+), payment (−) and refund (+) in
 * the period with the running balance, the closing balance, and what is due now by how long it
 * is overdue (current, 1–30, 31–60, 61–90, over 90 days). Void invoices and payments under
 * review (not counted towards their invoice) are left out, as they are from the amount due.
 * Security invoker: RLS decides which documents are the client's.
 */
create or replace function public.portal_statement(p_from date, p_to date) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  zone text := coalesce((select s.time_zone from public.settings s), 'UTC');
  today date := private.business_today();
begin
  if private.current_client_id() is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  -- No period given: this year so far.
  p_to := coalesce(p_to, today);
  p_from := coalesce(p_from, date_trunc('year', p_to)::date);
  if p_from > p_to then
    raise exception 'Choose a start date on or before the end date.' using errcode = '22023';
  end if;
  if p_to - p_from > 366 * 10 then
    raise exception 'A statement covers at most ten years.' using errcode = '22023';
  end if;

  return (
    with movements as (
      select i.currency, i.issue_date as day, 1 as sort, 'invoice' as kind, i.id, i.number as reference,
             i.number as invoice_number, i.total as amount
        from public.invoices i
       where i.status = 'sent'
      union all
      select i.currency, (p.paid_at at time zone zone)::date, 2, 'payment', p.id, p.receipt_number,
             i.number, -p.amount
        from public.payments p join public.invoices i on i.id = p.invoice_id
       where i.status = 'sent'
         and p.status in ('succeeded', 'partially_refunded', 'refunded')
         and (p.flag is null or p.flag = 'overpayment')
      union all
      select i.currency, (r.refunded_at at time zone zone)::date, 3, 'refund', r.id, r.refund_number,
             i.number, r.amount
        from public.refunds r join public.payments p on p.id = r.payment_id
        join public.invoices i on i.id = r.invoice_id
       where i.status = 'sent'
         and (p.flag is null or p.flag = 'overpayment')),
    per_currency as (
      select m.currency,
             coalesce(sum(m.amount) filter (where m.day < p_from), 0) as opening,
             coalesce(sum(m.amount) filter (where m.day between p_from and p_to and m.kind = 'invoice'), 0) as invoiced,
             coalesce(-sum(m.amount) filter (where m.day between p_from and p_to and m.kind = 'payment'), 0) as paid,
             coalesce(sum(m.amount) filter (where m.day between p_from and p_to and m.kind = 'refund'), 0) as refunded
        from movements m
       where m.day <= p_to
       group by m.currency),
    aging as (
      select i.currency,
             coalesce(sum(i.amount_due) filter (where i.due_date >= today), 0) as current,
             coalesce(sum(i.amount_due) filter (where today - i.due_date between 1 and 30), 0) as days_1_30,
             coalesce(sum(i.amount_due) filter (where today - i.due_date between 31 and 60), 0) as days_31_60,
             coalesce(sum(i.amount_due) filter (where today - i.due_date between 61 and 90), 0) as days_61_90,
             coalesce(sum(i.amount_due) filter (where today - i.due_date > 90), 0) as over_90
        from public.invoices i
       where i.status = 'sent' and i.amount_due > 0
       group by i.currency)
    select jsonb_build_object(
      'from', p_from, 'to', p_to, 'today', today,
      'currencies', coalesce(jsonb_agg(jsonb_build_object(
        'currency', c.currency,
        'opening', c.opening, 'invoiced', c.invoiced, 'paid', c.paid, 'refunded', c.refunded,
        'closing', c.opening + c.invoiced - c.paid + c.refunded,
        'entries', coalesce((
          select jsonb_agg(jsonb_build_object(
                   'day', e.day, 'kind', e.kind, 'id', e.id, 'reference', e.reference,
                   'invoice_number', e.invoice_number, 'amount', e.amount, 'balance', e.balance)
                   order by e.day, e.sort, e.reference)
            from (select m.*, c.opening + sum(m.amount) over (
                           order by m.day, m.sort, m.reference rows unbounded preceding) as balance
                    from movements m
                   where m.currency = c.currency and m.day between p_from and p_to) e), '[]'::jsonb),
        'aging', jsonb_build_object(
          'current', coalesce(a.current, 0), 'days_1_30', coalesce(a.days_1_30, 0),
          'days_31_60', coalesce(a.days_31_60, 0), 'days_61_90', coalesce(a.days_61_90, 0),
          'over_90', coalesce(a.over_90, 0)))
        order by c.currency), '[]'::jsonb))
      from (select pc.currency, pc.opening, pc.invoiced, pc.paid, pc.refunded from per_currency pc
            union
            select a2.currency, 0, 0, 0, 0 from aging a2
             where a2.currency not in (select pc2.currency from per_currency pc2)) c
      left join aging a on a.currency = c.currency);
end
$$;

revoke all on function public.portal_statement(date, date) from public, anon, authenticated, service_role;
grant execute on function public.portal_statement(date, date) to authenticated;
