/** invoices: a client reads its own sent or void invoices, never drafts or archived ones. */
revoke all on public.invoices from anon, authenticated;
grant select on public.invoices to authenticated;
alter table public.invoices enable row level security;

drop policy if exists "Clients can view their own invoices" on public.invoices;
create policy "Clients can view their own invoices"
  on public.invoices for select
  to authenticated
  using (client_id = (select private.current_client_id()) and status <> 'draft' and not archived);
