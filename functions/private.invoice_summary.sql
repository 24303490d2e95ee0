/**
 * One invoice as the portal lists it, with its state derived as the client sees it:
 * void, paid (nothing due), overdue (something due after the due date), partially_paid, unpaid.
 */
create or replace function private.invoice_summary(p_invoice public.invoices, p_today date)
returns jsonb
language sql
stable
-- No `set search_path`: a SET clause stops Postgres from inlining the function, and it runs once
-- per listed document. It refers to nothing but its arguments and built-ins (pg_catalog comes
-- first whatever the path), and it is security invoker.
as $$
  select jsonb_build_object(
    'id', p_invoice.id,
    'number', p_invoice.number,
    'state', case
      when p_invoice.status = 'void' then 'void'
      when p_invoice.amount_due = 0 then 'paid'
      when p_invoice.due_date < p_today then 'overdue'
      when p_invoice.amount_paid > 0 then 'partially_paid'
      else 'unpaid'
    end,
    'issue_date', p_invoice.issue_date,
    'due_date', p_invoice.due_date,
    'currency', p_invoice.currency,
    'total', p_invoice.total,
    'amount_paid', p_invoice.amount_paid,
    'amount_due', case when p_invoice.status = 'void' then 0 else p_invoice.amount_due end,
    'paid_at', p_invoice.paid_at
  )
$$;

revoke all on function private.invoice_summary(public.invoices, date) from public, anon, authenticated, service_role;
grant execute on function private.invoice_summary(public.invoices, date) to authenticated, service_role;
