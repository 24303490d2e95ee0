/**
 * stripe_events: server-only. No grant and no policy for anon or authenticated, so RLS denies
 * every client; the service role (which bypasses RLS) writes it through functions.
 */
revoke all on public.stripe_events from anon, authenticated;
alter table public.stripe_events enable row level security;
