/**
 * payments: a client reads the payments of its own visible invoices. Only the server (service
 * role) and administrators write them.
 */
revoke all on public.payments from anon, authenticated;
grant select on public.payments to authenticated;
alter table public.payments enable row level security;

drop policy if exists "Clients can view payments of their own invoices" on public.payments;
create policy "Clients can view payments of their own invoices"
  on public.payments for select
  to authenticated
  using (client_id = (select private.current_client_id())
         and exists (select from public.invoices i where i.id = payments.invoice_id));
