/**
 * Turns a fresh database into what a new Supabase project's database is, as far as the portal
 * can tell (issue 10's facts), once the compatibility script has created the roles and `auth`:
 *
 * - `supa_postgres` plays Supabase's `postgres`: it logs in, is not a superuser, may act as the
 *   API roles, owns `public` and `extensions`, and does not own `auth`;
 * - `auth` and everything in it belong to `supabase_admin`;
 * - default privileges in `public` for `supa_postgres` are a new project's: Supabase's initial
 *   schema grants everything to the API roles, then the Supabase CLI / Studio revoke the data
 *   API privileges (`RevokeDefaultDataApiPrivilegesSql`), which leaves TRUNCATE, REFERENCES and
 *   TRIGGER on new tables and UPDATE on new sequences; functions keep PUBLIC's EXECUTE.
 *
 * Run as a superuser. psql variable :defaults is `new` or `old` (an older project, whose new
 * tables, sequences and functions are granted to every API role).
 */

do $$
begin
  if not exists (select from pg_roles where rolname = 'supa_postgres') then
    create role supa_postgres login nosuperuser createdb createrole replication bypassrls;
  end if;
exception when duplicate_object or unique_violation then
  null;  -- another test session created it at the same moment
end
$$;
grant anon, authenticated, service_role to supa_postgres;

-- Supabase's own schema belongs to supabase_admin, not to postgres.
do $$
declare
  object record;
begin
  execute 'alter schema auth owner to supabase_admin';
  for object in select c.oid::regclass as name from pg_class c
                 where c.relnamespace = 'auth'::regnamespace and c.relkind = 'r' loop
    execute format('alter table %s owner to supabase_admin', object.name);
  end loop;
  for object in select p.oid::regprocedure as name from pg_proc p
                 where p.pronamespace = 'auth'::regnamespace loop
    execute format('alter function %s owner to supabase_admin', object.name);
  end loop;
end
$$;
-- postgres administers Auth's users and sessions (the dashboard, seeds); the API roles do not.
grant usage on schema auth to supa_postgres;
grant select, insert, update, delete on auth.users, auth.sessions to supa_postgres;
grant execute on all functions in schema auth to supa_postgres;

alter schema public owner to supa_postgres;
alter schema extensions owner to supa_postgres;
grant create, temporary on database :"dbname" to supa_postgres;

-- pgTAP is not a trusted extension: installed here, as `supabase test db` has it installed, and
-- callable (and grantable on, for the tests' setup file) by postgres.
create extension if not exists pgtap with schema extensions;
grant execute on all functions in schema extensions to supa_postgres with grant option;

-- Supabase's initial schema, then (new projects) the CLI's revoke of the data API privileges.
alter default privileges for role supa_postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role supa_postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role supa_postgres in schema public
  grant all on functions to anon, authenticated, service_role;
select :'defaults' = 'new' as new_defaults \gset
\if :new_defaults
alter default privileges for role supa_postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role supa_postgres in schema public
  revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role supa_postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
\endif
