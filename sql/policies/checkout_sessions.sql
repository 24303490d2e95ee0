/**
 * checkout_sessions: a client reads its own payment attempts; only the server (service role)
 * writes them, when it opens a Stripe Checkout Session and when Stripe reports back.
 */
revoke all on public.checkout_sessions from anon, authenticated;
grant select on public.checkout_sessions to authenticated;
alter table public.checkout_sessions enable row level security;

drop policy if exists "Clients can view their own checkout sessions" on public.checkout_sessions;
create policy "Clients can view their own checkout sessions"
  on public.checkout_sessions for select
  to authenticated
  using (client_id = (select private.current_client_id()));
