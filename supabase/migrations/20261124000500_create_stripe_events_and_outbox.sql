/**
 * Server-only bookkeeping: Stripe events already handled, and emails waiting to be sent.
 * Neither is visible to clients; both are written by the service role only.
 */

-- Tables --------------------------------------------------------------------------------------

/**
 * Every Stripe event we accepted, recorded before its side effects so a redelivery is
 * recognised and ignored.
 */
create table public.stripe_events (
  id text primary key check (id ~ '^evt_'),
  type text not null,
  -- The connected account the event came from (Connect), null for the platform account.
  account text,
  livemode boolean not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);

create type public.outbox_status as enum ('pending', 'sent', 'failed');

/**
 * Emails to send. Rows are written in the same transaction as what they announce (a payment, a
 * booking), so none is lost; a worker delivers them with retries.
 */
create table public.outbox (
  id bigint generated always as identity primary key,
  client_id uuid references public.clients (id) on delete set null,
  -- One email per event, e.g. 'payment_receipt:<payment id>': a replay cannot send it twice.
  dedupe_key text not null unique,
  to_email text not null check (to_email ~ '^[^@\s]+@[^@\s]+$'),
  subject text not null check (length(subject) between 1 and 300),
  body_text text not null,
  body_html text,
  -- Attachments, e.g. [{"filename": "booking.ics", "content_type": "text/calendar", "content": "..."}].
  attachments jsonb not null default '[]',
  status public.outbox_status not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

create index outbox_pending_idx on public.outbox (next_attempt_at) where status = 'pending';
