-- Plain-Postgres magic links and sessions, as the service role calls them.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
grant execute on all functions in schema extensions to service_role, authenticated;
select plan(25);

insert into public.clients (id, name, email, portal_access, archived) values
  ('a0000000-0000-4000-8000-000000000000', 'Client A', 'a@tap.test', true, false),
  ('c0000000-0000-4000-8000-000000000000', 'Client C', 'c@tap.test', false, false),
  ('d0000000-0000-4000-8000-000000000000', 'Client D', 'd@tap.test', true, true);

-- ============================================================================================
-- Clients and anonymous requests cannot use the sign-in functions
-- ============================================================================================
set local role authenticated;
select throws_ok($$ select request_login_link('a@tap.test', null, repeat('a', 64), repeat('b', 64)) $$,
  '42501', null, 'A client cannot create sign-in links');
select throws_ok($$ select * from private.sessions $$, '42501', null, 'A client cannot read sessions');
reset role;

-- ============================================================================================
-- Service role
-- ============================================================================================
set local role service_role;
select is(request_login_link('A@tap.test', '10.0.0.1', repeat('1', 64), repeat('2', 64), 86400, '2030-01-01 10:00Z') ->> 'status',
  'created', 'A link is created for a client with portal access, whatever the case of the address');
select is(request_login_link('a@tap.test', '10.0.0.2', repeat('3', 64), repeat('4', 64), 86400, '2030-01-01 10:00:30Z') ->> 'status',
  'rate_limited', 'A second link within 60 s is refused');
select is(request_login_link('a@tap.test', '10.0.0.2', repeat('3', 64), repeat('4', 64), 86400, '2030-01-01 10:01:01Z') ->> 'status',
  'created', 'A new link after 60 s is created');
select is(consume_login_link(repeat('1', 64), 28800, null, '2030-01-01 10:02Z') ->> 'status', 'voided',
  'The new link voided the older one');
select is(request_login_link('c@tap.test', '10.0.0.3', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z') ->> 'status',
  'not_allowed', 'No link for a client without portal access');
select is(request_login_link('d@tap.test', '10.0.0.3', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z') ->> 'status',
  'not_allowed', 'No link for an archived client');
select is(request_login_link('nobody@tap.test', '10.0.0.3', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z') ->> 'status',
  'not_allowed', 'No link for an unknown address');
select throws_ok($$ select request_login_link('a@tap.test', null, repeat('7', 64), repeat('8', 64), 90000) $$,
  '22023', null, 'A link cannot live longer than 24 hours');
select is((select count(*)::int from generate_series(1, 35) n
            where request_login_link(format('x%s@tap.test', n), '10.9.9.9', repeat('e', 64), repeat('f', 64), 86400,
                                     '2030-01-01 12:00Z') ->> 'status' = 'rate_limited'), 5,
  'An IP gets at most 30 link requests an hour');

-- Using a link
select is(consume_login_link(repeat('3', 64), 28800, 'tap', '2030-01-01 10:05Z') ->> 'status', 'signed_in',
  'The link signs the client in');
select is(consume_login_link(repeat('3', 64), 28800, 'tap', '2030-01-01 10:06Z') ->> 'status', 'used',
  'The same link works only once');
select is(consume_login_link(repeat('0', 64), 28800, 'tap', '2030-01-01 10:06Z') ->> 'status', 'unknown',
  'An unknown link is refused');
select is(request_login_link('a@tap.test', null, repeat('9', 64), repeat('a', 64), 86400, '2030-01-02 10:00Z') ->> 'status',
  'created', 'Another link is sent the next day');
select is(consume_login_link(repeat('9', 64), 28800, null, '2030-01-03 10:00:01Z') ->> 'status', 'expired',
  'A link is refused after 24 hours');

-- The 6-digit code
select request_login_link('a@tap.test', null, repeat('b', 64), repeat('c', 64), 86400, '2030-01-04 10:00Z');
select is(consume_login_code('a@tap.test', repeat('0', 64), 28800, null, '2030-01-04 10:01Z') ->> 'status', 'wrong_code',
  'A wrong code is refused');
select is(consume_login_code('A@TAP.TEST', repeat('c', 64), 28800, null, '2030-01-04 10:01Z') ->> 'status', 'signed_in',
  'The right code signs in');
select request_login_link('a@tap.test', null, repeat('d', 64), repeat('e', 64), 86400, '2030-01-05 10:00Z');
select is((select array_agg(consume_login_code('a@tap.test', repeat('0', 64), 28800, null, '2030-01-05 10:01Z') ->> 'status')
             from generate_series(1, 5)),
  array['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'too_many_attempts'], 'The fifth wrong code voids the link');
select is(consume_login_code('a@tap.test', repeat('e', 64), 28800, null, '2030-01-05 10:02Z') ->> 'status', 'no_code',
  'After five wrong codes even the right one is refused');

-- Sessions
select is(touch_session((consume_login_link(repeat('b', 64)) ->> 'session_id')::uuid) ->> 'status', 'revoked',
  'A used link opens no session');
create temp table s as select (consume_login_link(repeat('f', 64), 28800, null, '2030-01-06 10:01Z') ->> 'session_id')::uuid as id
  from (select request_login_link('a@tap.test', null, repeat('f', 64), repeat('f', 64), 86400, '2030-01-06 10:00Z')) r;
select is(touch_session((select id from s), 1800, '2030-01-06 10:30Z') ->> 'status', 'active',
  'A session in use stays active');
select is(touch_session((select id from s), 86400, '2030-01-06 18:01:01Z') ->> 'status', 'expired',
  'A session ends 8 hours after sign-in however active it is');
select is(touch_session((select id from s), 1800, '2030-01-06 11:00:01Z') ->> 'status', 'idle',
  'A session idle for 30 minutes ends');
reset role;
update public.clients set portal_access = false where email = 'a@tap.test';
set local role service_role;
select is(touch_session((select id from private.sessions where client_id = 'a0000000-0000-4000-8000-000000000000' order by created_at limit 1), 1800, '2030-01-01 10:06Z') ->> 'status',
  'not_allowed', 'Removing portal access ends the client''s sessions at their next request');

select * from finish();
rollback;
