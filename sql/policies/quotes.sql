/**
 * quotes: a client reads its own sent and decided quotes, never drafts or archived ones, and
 * may decide a pending one: the update policy admits only a sent, still valid quote and only a
 * move to accepted or rejected; the column grants admit only the decision's columns, and a
 * trigger stamps the time and the signed-in email. accept_quote/reject_quote go through this.
 */
revoke all on public.quotes from anon, authenticated;
grant select on public.quotes to authenticated;
grant update (status, accepted_by, rejected_by, rejection_reason) on public.quotes to authenticated;
alter table public.quotes enable row level security;

drop policy if exists "Clients can view their own quotes" on public.quotes;
create policy "Clients can view their own quotes"
  on public.quotes for select
  to authenticated
  using (client_id = (select private.current_client_id()) and status <> 'draft' and not archived);

drop policy if exists "Clients can accept or reject their own pending quotes" on public.quotes;
create policy "Clients can accept or reject their own pending quotes"
  on public.quotes for update
  to authenticated
  using (client_id = (select private.current_client_id())
         and status = 'sent'
         and not archived
         and valid_until >= (select private.business_today()))
  with check (client_id = (select private.current_client_id())
              and status in ('accepted', 'rejected'));
