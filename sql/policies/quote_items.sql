/** quote_items: visible exactly when their quote is (the subquery is itself under RLS). */
revoke all on public.quote_items from anon, authenticated;
grant select on public.quote_items to authenticated;
alter table public.quote_items enable row level security;

drop policy if exists "Clients can view the items of their own quotes" on public.quote_items;
create policy "Clients can view the items of their own quotes"
  on public.quote_items for select
  to authenticated
  using (exists (select from public.quotes q where q.id = quote_items.quote_id));
