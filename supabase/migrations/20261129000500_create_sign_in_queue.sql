/**
 * Sign-in links leave the request path (issue 11, item 1). `POST /login` only records that an
 * address asked for a link: the same statements for every address, known or not, so the answer
 * and its timing say nothing about who is a client, and a mail server or Supabase Auth outage
 * changes nothing the visitor sees. The worker (`portal worker`, or the development server's
 * thread) then decides whether the address may sign in and, only then, makes and sends the link,
 * retrying while the mail server (or Auth) is down.
 *
 * The two functions it replaces answered differently per address inside the request; they go.
 */

-- Tables --------------------------------------------------------------------------------------

/**
 * Sign-in link requests waiting for the worker. Server-only, like private.login_links: the live
 * token is never stored here (the worker makes it in memory and stores only its hash).
 */
create table private.sign_in_requests (
  id uuid primary key default gen_random_uuid(),
  -- As typed, trimmed and lower-cased: not necessarily a client's address.
  email text not null,
  requested_at timestamptz not null default now(),
  -- pending: waiting for (or leased by) the worker; sent: a link went out; not_allowed: no client
  -- with portal access has this address, so nothing was sent; abandoned: it could not be sent
  -- within an hour (a link that late would only confuse).
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'not_allowed', 'abandoned')),
  attempts integer not null default 0,
  -- Due time; while a worker holds the request, the end of its lease.
  next_attempt_at timestamptz not null default now(),
  last_error text,
  handled_at timestamptz
);

create index sign_in_requests_due_idx on private.sign_in_requests (next_attempt_at)
  where status = 'pending';
create index sign_in_requests_handled_idx on private.sign_in_requests (handled_at)
  where status <> 'pending';

-- Grants and row-level security ------------------------------------------------------------------

revoke all on private.sign_in_requests from public, anon, authenticated;
-- The service role works it through request_sign_in, claim_sign_in_requests, issue_login_link
-- and finish_sign_in_request.
grant select, insert, update, delete on private.sign_in_requests to service_role;
alter table private.sign_in_requests enable row level security;

-- Replaced functions -----------------------------------------------------------------------------

-- check_portal_access told the caller (inside the request) whether an address had access;
-- request_login_link stored a link inside the request. request_sign_in and the worker's
-- issue_login_link take their places.
drop function if exists public.check_portal_access(text, inet, timestamptz);
drop function if exists public.request_login_link(text, inet, text, text, integer, timestamptz);
