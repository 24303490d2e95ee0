-- Installs what every pgTAP file here relies on, once and for good (as supabase-test-helpers'
-- "000-setup" file does): pgTAP callable by the roles the tests act as, and the tests.*
-- helpers. Runs first (files run in name order); re-running it changes nothing.
create extension if not exists pgtap with schema extensions;
-- The project revokes EXECUTE from PUBLIC by default, so a pgTAP created after the migrations is
-- callable by its owner only: let the roles the tests act as call it. (plan() grants pgTAP's
-- temporary tables to PUBLIC itself, so authenticated and anon can record results.)
do $$
begin
  execute (select string_agg(format('grant execute on function %s to anon, authenticated, service_role',
                                    d.objid::regprocedure), '; ')
             from pg_depend d
            where d.classid = 'pg_proc'::regclass and d.deptype = 'e'
              and d.refobjid = (select e.oid from pg_extension e where e.extname = 'pgtap'));
end
$$;

-- In the spirit of supabase-test-helpers (tests.authenticate_as, tests.clear_authentication),
-- with names of our own so they never clash with that package's when it is installed.
create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

/** Acts as PostgREST does for one request: the role, and the JWT's claims. */
create or replace function tests.act_as(p_role text, p_claims jsonb) returns void
language sql as $$
  select set_config('role', p_role, true), set_config('request.jwt.claims', coalesce(p_claims::text, ''), true)
$$;
/** A live portal session for the contact with this email, as signing in through the portal's
    magic link opens one (none for an unknown address); its id, derived from the email. Security
    definer: it writes private.sessions whatever role the test is acting as. */
create or replace function tests.open_session(p_email text) returns uuid
language sql security definer set search_path = '' as $$
  insert into private.sessions (id, client_id, contact_id, expires_at)
  select md5(lower(p_email))::uuid, k.client_id, k.id, now() + interval '1 hour'
    from public.contacts k where lower(k.email) = lower(p_email)
  on conflict (id) do update set client_id = excluded.client_id, contact_id = excluded.contact_id,
                                 revoked_at = null, expires_at = excluded.expires_at;
  select md5(lower(p_email))::uuid
$$;
/** A signed-in client: the claims the portal's magic-link flow gives (a verified email, amr
    "otp", a live session), as Supabase Auth issues them. */
create or replace function tests.act_as_client(p_email text) returns void
language sql as $$
  select tests.act_as('authenticated', jsonb_build_object(
    'sub', md5(lower(p_email))::uuid, 'email', p_email, 'role', 'authenticated',
    'aud', 'authenticated', 'session_id', tests.open_session(p_email),
    'amr', jsonb_build_array(jsonb_build_object('method', 'otp', 'timestamp', 1700000000)),
    'is_anonymous', false))
$$;
create or replace function tests.act_as_anon() returns void
language sql as $$ select tests.act_as('anon', '{"role": "anon"}') $$;
create or replace function tests.act_as_service_role() returns void
language sql as $$ select tests.act_as('service_role', '{"role": "service_role"}') $$;
/** Back to the connecting role (the table owner, as an administrator in the dashboard). */
create or replace function tests.act_as_owner() returns void
language sql as $$ select tests.act_as('none', null) $$;
/** The error a statement raises, as {code, message, detail}; null when it succeeds. Either way
    its effects are undone, like throws_ok's. */
create or replace function tests.error_of(p_sql text) returns jsonb
language plpgsql as $$
declare
  err_code text;
  err_message text;
  err_detail text;
begin
  execute p_sql;
  raise exception 'undo' using errcode = 'TAP00';
exception when others then
  get stacked diagnostics err_code = returned_sqlstate, err_message = message_text,
                          err_detail = pg_exception_detail;
  return case when err_code <> 'TAP00' then
    jsonb_build_object('code', err_code, 'message', err_message, 'detail', err_detail) end;
end
$$;
/** The clients most files test with, one definition instead of a block copied into each file:
    A and B may use the portal, C may not, D is archived. Inside a file's transaction, so they
    go with its rollback. */
create or replace function tests.create_clients() returns void
language sql as $$
  insert into public.clients (id, name, email, portal_access, archived) values
    ('aaaaaaaa-0000-4000-8000-000000000000', 'Ada Tap', 'a@pgtap.test', true, false),
    ('bbbbbbbb-0000-4000-8000-000000000000', 'Bea Tap', 'b@pgtap.test', true, false),
    ('cccccccc-0000-4000-8000-000000000000', 'Cy Tap', 'c@pgtap.test', false, false),
    ('dddddddd-0000-4000-8000-000000000000', 'Dee Tap', 'd@pgtap.test', true, true)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

begin;
set local search_path = public, extensions;
select plan(3);
select has_function('tests', 'act_as_client', array['text'], 'The test helpers are installed');
select has_function('tests', 'create_clients', 'The test clients come from one helper');
select ok(has_function_privilege('authenticated', 'extensions.ok(boolean, text)', 'execute'),
          'Signed-in clients can call pgTAP');
select * from finish();
rollback;
