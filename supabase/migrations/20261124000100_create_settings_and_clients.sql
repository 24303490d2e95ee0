/**
 * Foundation: the private schema, the business's settings row and its clients.
 *
 * Sections: setup, types, tables, grants, triggers. Row-level security and policies live in
 * sql/policies/<table>.sql; portal functions in functions/.
 */

-- Setup ---------------------------------------------------------------------------------------

-- Helpers that must read past RLS live here; PostgREST does not expose this schema.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- Exclusion constraints on (uuid =, range &&) need btree_gist.
create schema if not exists extensions;
create extension if not exists btree_gist with schema extensions;

-- No function is callable by anyone unless its file grants it (STYLE: explicit grants). The
-- built-in grant to PUBLIC can only be revoked globally; Supabase's grants to the API roles are
-- per schema, so they are revoked per schema.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

/** True when the name is a time zone Postgres knows (used by checks on settings). */
create or replace function private.is_time_zone(p_name text) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (select from pg_catalog.pg_timezone_names where name = p_name)
$$;

/** Keeps updated_at honest on every table that has one. */
create or replace function private.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Tables --------------------------------------------------------------------------------------

/**
 * The business itself: exactly one row, edited by administrators in the Supabase dashboard.
 * Clients may read the public columns (see sql/policies/settings.sql); the Stripe account id is
 * server-only.
 */
create table public.settings (
  id boolean primary key default true check (id),
  business_name text not null default 'Your business' check (length(business_name) between 1 and 200),
  logo_url text check (logo_url ~ '^https?://' and length(logo_url) <= 2000),
  -- Brand colours are injected into CSS, so only #rrggbb is accepted.
  brand_primary text not null default '#1f4b99' check (brand_primary ~ '^#[0-9a-fA-F]{6}$'),
  brand_accent text not null default '#f2a900' check (brand_accent ~ '^#[0-9a-fA-F]{6}$'),
  contact_email text check (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  contact_phone text check (length(contact_phone) <= 40),
  address_line1 text check (length(address_line1) <= 200),
  address_line2 text check (length(address_line2) <= 200),
  city text check (length(city) <= 100),
  region text check (length(region) <= 100),
  postal_code text check (length(postal_code) <= 20),
  country text check (length(country) <= 100),
  -- Decides what "today" is, hence which invoices are overdue and when booking slots start.
  time_zone text not null default 'UTC' check (private.is_time_zone(time_zone)),
  default_currency text not null default 'USD' check (default_currency ~ '^[A-Z]{3}$'),
  stripe_account_id text check (stripe_account_id ~ '^acct_[A-Za-z0-9]+$'),
  portal_base_url text check (portal_base_url ~ '^https?://'),
  updated_at timestamptz not null default now()
);
comment on table public.settings is 'The business''s portal settings: one row.';
comment on column public.settings.stripe_account_id is
  'Connected Stripe account (acct_...); when set, payments are direct charges on it.';

insert into public.settings (id) values (true);

/**
 * The business's clients. A client signs in when its email matches the verified JWT's email
 * claim, its portal access is enabled and it is not archived.
 */
create table public.clients (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
  phone text check (length(phone) <= 40),
  address_line1 text check (length(address_line1) <= 200),
  address_line2 text check (length(address_line2) <= 200),
  city text check (length(city) <= 100),
  region text check (length(region) <= 100),
  postal_code text check (length(postal_code) <= 20),
  country text check (length(country) <= 100),
  portal_access boolean not null default false,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on column public.clients.email is
  'Unique regardless of case; the identity the magic link is sent to. Clients cannot change it.';
comment on column public.clients.portal_access is 'Administrators switch this on to let the client sign in.';

create unique index clients_email_lower_key on public.clients (lower(email));

-- Triggers ------------------------------------------------------------------------------------

create trigger touch_updated_at before update on public.settings
  for each row execute function private.touch_updated_at();
create trigger touch_updated_at before update on public.clients
  for each row execute function private.touch_updated_at();
