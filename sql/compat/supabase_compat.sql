/**
 * Plain-Postgres compatibility: what a Supabase database already has and our SQL relies on.
 *
 * Applied by `portal db migrate` before the migrations, and only on a database that is not a
 * Supabase project. Idempotent: it runs on every migrate. Everything here mirrors Supabase's
 * own definitions so that migrations, policies and functions behave the same in both modes.
 */

-- The roles Supabase has. Like Supabase: the API roles cannot log in; service_role bypasses RLS
-- (it is the trusted server), anon and authenticated never do. authenticator is the role
-- PostgREST logs in as and switches from; supabase_admin owns Supabase's own schemas (on
-- Supabase it is a superuser; here it only has to exist, and owns nothing).
do $$
declare
  role_name text;
  options text;
begin
  for role_name, options in values
      ('anon', 'nologin noinherit'), ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'), ('authenticator', 'nologin noinherit'),
      ('supabase_admin', 'nologin noinherit') loop
    if not exists (select from pg_roles where rolname = role_name) then
      begin
        execute format('create role %I %s', role_name, options);
      exception when duplicate_object or unique_violation then
        null;  -- another database of the same cluster created it at the same moment
      end;
    end if;
  end loop;
end
$$;
grant anon, authenticated, service_role to authenticator;

-- The connecting role must be able to `set role` to each, as PostgREST's authenticator can.
do $$
begin
  execute format('grant anon, authenticated, service_role to %I', current_user);
end
$$;

create schema if not exists auth;
create schema if not exists extensions;
grant usage on schema auth, extensions to anon, authenticated, service_role;

-- Supabase's definitions: the claims PostgREST puts in `request.jwt.claims` for the request
-- (the older `request.jwt.claim.*` settings are honoured first, exactly as Supabase does).
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;

/**
 * The two tables of Supabase Auth (GoTrue) the portal's SQL reads, with GoTrue's columns for
 * what it reads: private.current_client_id() accepts a Supabase session only while its row in
 * auth.sessions exists and has not passed not_after. Empty in plain-Postgres mode, where the
 * portal's own private.sessions back its JWTs.
 */
create table if not exists auth.users (
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_anonymous boolean not null default false,
  created_at timestamptz,
  updated_at timestamptz
);
create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
-- As on Supabase: the API roles do not read Auth's tables.
revoke all on auth.users, auth.sessions from public, anon, authenticated, service_role;

-- The API roles may use the public schema; what they may do in it is granted object by object.
-- Default privileges are left alone: like a new Supabase project, new tables, sequences and
-- functions are granted to no API role (functions keep Postgres's built-in EXECUTE for PUBLIC,
-- which every function file revokes), so a grant the repository forgets fails here as it would
-- there.
grant usage on schema public to anon, authenticated, service_role;
