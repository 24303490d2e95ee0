/** invoice_items: visible exactly when their invoice is (the subquery is itself under RLS). */
revoke all on public.invoice_items from anon, authenticated;
grant select on public.invoice_items to authenticated;
alter table public.invoice_items enable row level security;

drop policy if exists "Clients can view the items of their own invoices" on public.invoice_items;
create policy "Clients can view the items of their own invoices"
  on public.invoice_items for select
  to authenticated
  using (exists (select from public.invoices i where i.id = invoice_items.invoice_id));
