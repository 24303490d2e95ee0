/**
 * Account settings (issue 15): each signed-in person's language, how times are shown, and which
 * non-essential emails they want. Keyed by the person's email (the verified JWT's email), not by
 * the client, so it works whether the identity is a client or, later, one of a client's
 * contacts; client_id ties the row to the client the person signs in for (and removes it with
 * the client). Transactional emails ignore these choices: they always go.
 *
 * Clients read their own row (sql/policies/account_preferences.sql) and write it only through
 * save_account_preferences; the server (the email worker) reads every row as service_role.
 */

-- Tables --------------------------------------------------------------------------------------

create table public.account_preferences (
  email text primary key check (email = lower(email) and length(email) <= 320),
  client_id uuid not null references public.clients (id) on delete cascade,
  -- null: follow the browser (Accept-Language).
  language text check (language in ('en', 'fr', 'de', 'es')),
  -- null: the business's time zone; else an IANA zone name the person chose.
  time_zone text check (length(time_zone) <= 64),
  invoice_reminders boolean not null default true,
  quote_sent boolean not null default true,
  booking_reminders boolean not null default true,
  updated_at timestamptz not null default now()
);
comment on column public.account_preferences.quote_sent is
  'Off: the "quote sent" email does not go out to this person (the quote is still in the portal).';

create index account_preferences_client_id_idx on public.account_preferences (client_id);

-- Grants --------------------------------------------------------------------------------------

revoke all on public.account_preferences from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.account_preferences to service_role;

-- Row-level security --------------------------------------------------------------------------

alter table public.account_preferences enable row level security;
