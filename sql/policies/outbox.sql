/**
 * outbox: server-only; emails may concern any client. No grant and no policy for anon or
 * authenticated, so RLS denies every client; the service role writes and delivers.
 */
revoke all on public.outbox from anon, authenticated;
alter table public.outbox enable row level security;
