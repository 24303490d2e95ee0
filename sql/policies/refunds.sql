/**
 * refunds: a client reads the refunds of its own visible invoices. Only the server (a trigger on
 * payments) writes them.
 */

revoke all on public.refunds from anon, authenticated;
grant select on public.refunds to authenticated;

alter table public.refunds enable row level security;

drop policy if exists "Clients can view refunds of their own invoices" on public.refunds;
create policy "Clients can view refunds of their own invoices"
  on public.refunds for select
  to authenticated
  using (client_id = (select private.current_client_id())
         and exists (select from public.invoices i where i.id = refunds.invoice_id));
