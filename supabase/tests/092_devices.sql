-- Signed-in devices: a person sees their own live sessions, in both modes, and ends one, the
-- others or all; nobody sees or ends anyone else's.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(17);

-- Fixtures: A with its current session and two more (one on a phone, one idle for an hour, one
-- already signed out); B with one; A's GoTrue user with two sessions -------------------------
set local timezone = 'UTC';
select tests.create_clients();
insert into private.sessions (id, client_id, created_at, last_seen_at, expires_at, user_agent, revoked_at) values
  ('a0000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', now() - interval '2 hours',
   now() - interval '5 minutes', now() + interval '6 hours', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', null),
  ('a0000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', now() - interval '3 hours',
   now() - interval '1 hour', now() + interval '5 hours', 'idle', null),
  ('a0000000-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000000', now() - interval '3 hours',
   now(), now() + interval '5 hours', 'signed out', now() - interval '1 hour'),
  ('b0000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000', now(), now(),
   now() + interval '8 hours', 'B''s browser', null);
-- Each session is a person's: A's and B's owners here.
update private.sessions s set contact_id = k.id from public.contacts k where k.client_id = s.client_id;
insert into auth.users (id, email) values ('11111111-0000-4000-8000-0000000000a0', 'a@pgtap.test');
insert into auth.sessions (id, user_id, created_at, updated_at, user_agent) values
  ('5a000000-0000-4000-8000-000000000001', '11111111-0000-4000-8000-0000000000a0', now() - interval '1 day', now(), 'laptop'),
  ('5a000000-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a0', now() - interval '2 days', now(), 'tablet');

create function pg_temp.ids(p_sessions jsonb) returns text[] language sql as $$
  select coalesce(array_agg(s ->> 'id' order by s ->> 'id'), '{}') from jsonb_array_elements(p_sessions) s
$$;
grant execute on function pg_temp.ids(jsonb) to authenticated;

-- ============================================================================================
-- Client A, Postgres mode
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select is(pg_temp.ids(portal_sessions(1800)),
          array[md5('a@pgtap.test')::uuid::text, 'a0000000-0000-4000-8000-000000000001'],
          'A sees its live sessions only: not the idle, the signed-out, B''s or a GoTrue user''s');
select is((select s ->> 'current' from jsonb_array_elements(portal_sessions(1800)) s
            where s ->> 'id' = md5('a@pgtap.test')::uuid::text), 'true', 'This device is marked');
select is((select s ->> 'user_agent' from jsonb_array_elements(portal_sessions(1800)) s
            where s ->> 'current' = 'false'), 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
          'Each session carries its user agent');
select throws_ok($$ select end_portal_sessions('one', 'b0000000-0000-4000-8000-000000000001') $$,
  'P0002', 'That session has already ended.', 'A cannot end B''s session: it reads as missing');
select throws_ok($$ select end_portal_sessions('one', '5a000000-0000-4000-8000-000000000001') $$,
  'P0002', 'That session has already ended.', 'A Postgres-mode client cannot end a GoTrue user''s session');
select throws_ok($$ select end_portal_sessions('everything') $$, '22023', null, 'An unknown scope is refused');
select throws_ok($$ select end_portal_sessions('one') $$, '22023', null, 'Ending one needs its id');
select is(end_portal_sessions('one', 'a0000000-0000-4000-8000-000000000001'),
          '{"ended": 1, "signed_out": false}', 'A ends its phone''s session');
select is(end_portal_sessions('others'), '{"ended": 1, "signed_out": false}',
          'Ending the others leaves this one (and ends the idle one)');
select is(pg_temp.ids(portal_sessions(1800)), array[md5('a@pgtap.test')::uuid::text], 'Only this device is left');
select is(end_portal_sessions('all'), '{"ended": 1, "signed_out": true}', 'Signing out everywhere ends this one too');
select is(private.current_client_id(), null, 'and at once: the request''s session is nobody now');
select is(portal_page('[]'), '{"status": "not_allowed"}'::jsonb,
  'and its page request (portal_page, one request per page in Supabase mode) is refused');

-- ============================================================================================
-- Client A, Supabase mode: GoTrue's sessions of the token's user
-- ============================================================================================
select tests.act_as('authenticated', jsonb_build_object(
  'sub', '11111111-0000-4000-8000-0000000000a0', 'email', 'a@pgtap.test', 'role', 'authenticated',
  'session_id', '5a000000-0000-4000-8000-000000000001', 'is_anonymous', false,
  'amr', jsonb_build_array(jsonb_build_object('method', 'magiclink', 'timestamp', 1700000000))));
select is(pg_temp.ids(portal_sessions(1800)),
          array['5a000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000002'],
          'In Supabase mode A sees its GoTrue sessions');
select is(end_portal_sessions('others'), '{"ended": 1, "signed_out": false}', 'and ends the others');
select tests.act_as_owner();
select is((select array_agg(id::text) from auth.sessions), array['5a000000-0000-4000-8000-000000000001'],
          'Ending a GoTrue session deletes its row (its refresh tokens go with it)');
select is((select count(*) from private.sessions where revoked_at is null and client_id = 'bbbbbbbb-0000-4000-8000-000000000000'),
          1::bigint, 'B''s session is untouched');

select * from finish();
rollback;
