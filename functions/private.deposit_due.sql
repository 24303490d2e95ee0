/**
 * The deposit a client may pay on an invoice created by accepting a quote: the settings'
 * percentage of its total, rounded up to the minor unit, while nothing has been paid on it;
 * null otherwise. Security invoker: the caller's RLS decides whether it sees the invoice.
 */
create or replace function private.deposit_due(p_invoice_id uuid) returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select ceil(i.total * s.quote_deposit_percent / 100)::bigint
    from public.invoices i cross join public.settings s
   where i.id = p_invoice_id and i.quote_id is not null and i.status = 'sent'
     and i.amount_paid = 0 and s.quote_deposit_percent > 0 and i.total > 0
$$;

revoke all on function private.deposit_due(uuid) from public, anon, authenticated, service_role;
grant execute on function private.deposit_due(uuid) to authenticated, service_role;
