/**
 * payment_shares: a client reads the shares of its own visible invoices. Only the server writes
 * them (recording a payment that paid several invoices).
 */

revoke all on public.payment_shares from anon, authenticated;
grant select on public.payment_shares to authenticated;

alter table public.payment_shares enable row level security;

drop policy if exists "Clients can view the shares of their own invoices" on public.payment_shares;
create policy "Clients can view the shares of their own invoices"
  on public.payment_shares for select
  to authenticated
  using (client_id = (select private.current_client_id())
         and exists (select from public.invoices i where i.id = payment_shares.invoice_id));
