/**
 * What magic-link sign-in needs in plain-Postgres mode (Supabase Auth keeps its own in Supabase
 * mode). Server-only: the tables live in `private`, which the API does not expose, have RLS
 * enabled with no policy, and grant nothing to the API roles; the service role (which bypasses
 * RLS) reaches them only through functions.
 */

-- Tables --------------------------------------------------------------------------------------

/**
 * One-time sign-in links. Only hashes are stored: a database leak reveals no usable link.
 * A client has at most one usable link; a new one voids the older ones.
 */
create table private.login_links (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.clients (id) on delete cascade,
  -- SHA-256 hex of the random token in the link.
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- SHA-256 hex of the 6-digit code sent in the same email (for another device).
  code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  code_attempts integer not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  voided_at timestamptz,
  constraint login_links_expiry_at_most_a_day check (expires_at <= created_at + interval '24 hours')
);

create index login_links_client_idx on private.login_links (client_id) where used_at is null and voided_at is null;

/** Server-side sessions backing the JWTs the portal issues; revoking one ends it at once. */
create table private.sessions (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.clients (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Absolute end of the session, whatever its activity.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text
);

create index sessions_client_idx on private.sessions (client_id) where revoked_at is null;

/** Sign-in link requests, for the per-address and per-IP limits. */
create table private.login_requests (
  id bigint generated always as identity primary key,
  email text not null,
  ip inet,
  at timestamptz not null default now()
);

create index login_requests_email_idx on private.login_requests (lower(email), at desc);
create index login_requests_ip_idx on private.login_requests (ip, at desc);

-- Grants and row-level security ------------------------------------------------------------------

revoke all on private.login_links, private.sessions, private.login_requests
  from public, anon, authenticated;
-- The service role works them through the sign-in functions (functions/*login*, *session*).
grant select, insert, update, delete on private.login_links, private.sessions, private.login_requests
  to service_role;
alter table private.login_links enable row level security;
alter table private.sessions enable row level security;
alter table private.login_requests enable row level security;
