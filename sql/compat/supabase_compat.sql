/**
 * Plain-Postgres compatibility: what a Supabase database already has and our SQL relies on.
 *
 * Applied by `portal db migrate` before the migrations, and only on a database that is not a
 * Supabase project. Idempotent: it runs on every migrate. Everything here mirrors Supabase's
 * own definitions so that migrations, policies and functions behave the same in both modes.
 */

-- The API roles. Like Supabase: none can log in; service_role bypasses RLS (it is the trusted
-- server), anon and authenticated never do.
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

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

-- Supabase's default privileges on public: every new table, sequence and function is open to
-- the API roles, and row-level security is what protects the data. Mirroring this matters: a
-- table that forgets its policies is exposed here exactly as it would be on Supabase, so the
-- isolation tests catch it.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
-- Supabase also opens new functions to everyone; the project's first migration takes that back
-- (STYLE: every function is granted explicitly), so it is not re-granted here on every run.
