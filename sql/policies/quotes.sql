/**
 * quotes: a client reads its own sent and decided quotes, never drafts or archived ones. It
 * writes nothing directly: a decision goes through accept_quote/reject_quote
 * (private.decide_quote), which keep the rules a direct update could not (who signs, no reason
 * on an acceptance).
 */
revoke all on public.quotes from anon, authenticated;
grant select on public.quotes to authenticated;
alter table public.quotes enable row level security;

drop policy if exists "Clients can view their own quotes" on public.quotes;
create policy "Clients can view their own quotes"
  on public.quotes for select
  to authenticated
  using (client_id = (select private.current_client_id()) and status <> 'draft' and not archived);

-- Decisions no longer go through a policy (the grant is gone); the policy goes with it.
drop policy if exists "Clients can accept or reject their own pending quotes" on public.quotes;
