-- Plain-Postgres magic links and sessions, as the service role calls them: limits, one-time
-- links and codes, expiry, sessions that end when idle, expired, revoked or no longer allowed.
-- Clients and anonymous requests can reach none of it. The caller's clock is passed as p_now.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(68);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql.

-- Fixtures: clients A and B with portal access, C without, D archived -------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC', business_name = 'Tap Studio', stripe_account_id = 'acct_tap123';
select tests.create_clients();  -- A and B with portal access, C without, D archived

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select throws_ok($$ select issue_login_link('a@pgtap.test', repeat('a', 64), repeat('b', 64)) $$,
  '42501', null, 'A client cannot create sign-in links');
select throws_ok($$ select request_sign_in('b@pgtap.test') $$, '42501', null,
  'A client cannot queue sign-in requests through the database');
select throws_ok($$ select claim_sign_in_requests() $$, '42501', null,
  'A client cannot read the sign-in queue (which addresses may sign in)');
select throws_ok($$ select id from private.sign_in_requests $$, '42501', null,
  'A client cannot read the sign-in requests');
select throws_ok($$ select consume_login(p_token_hash => repeat('a', 64)) $$, '42501', null,
  'A client cannot use sign-in links through the database');
select throws_ok($$ select touch_session(gen_random_uuid()) $$, '42501', null, 'A client cannot check sessions');
select throws_ok($$ select revoke_session(gen_random_uuid()) $$, '42501', null, 'A client cannot revoke sessions');
select throws_ok($$ select client_has_portal_access('b@pgtap.test') $$, '42501', null,
  'A client cannot probe which addresses have portal access');
select throws_ok($$ select id from private.sessions $$, '42501', null, 'A client cannot read sessions');
select throws_ok($$ select id from private.login_links $$, '42501', null, 'A client cannot read sign-in links');
select throws_ok($$ select private.start_contact_session('aaaaaaaa-0000-4000-8000-000000000000', 28800, null, now()) $$,
  '42501', null, 'A client cannot open a session for itself');

-- ============================================================================================
-- Anonymous
-- ============================================================================================
select tests.act_as_anon();

select throws_ok($$ select issue_login_link('a@pgtap.test', repeat('a', 64), repeat('b', 64)) $$,
  '42501', null, 'Anonymous requests cannot create sign-in links');
select throws_ok($$ select request_sign_in('a@pgtap.test') $$, '42501', null,
  'Anonymous requests cannot queue sign-in requests through the database');
select throws_ok($$ select consume_login(p_email => 'a@pgtap.test', p_code_hash => repeat('0', 64)) $$, '42501', null,
  'Anonymous requests cannot guess codes through the database');
select throws_ok($$ select id from private.login_requests $$, '42501', null,
  'Anonymous requests cannot read the sign-in requests');

-- ============================================================================================
-- Service role: links
-- ============================================================================================
select tests.act_as_service_role();

-- One function serves the link and the code: it takes exactly one of them.
select throws_ok($$ select consume_login() $$, '22023', null, 'consume_login needs a link or a code');
select throws_ok($$ select consume_login(p_token_hash => repeat('a', 64), p_email => 'a@pgtap.test',
                                         p_code_hash => repeat('0', 64)) $$, '22023', null,
  'consume_login refuses a link and a code together');
select throws_ok($$ select consume_login(p_email => 'a@pgtap.test') $$, '22023', null,
  'consume_login refuses an address without a code');

-- POST /login: the same answer for every address, within the limits
select is(request_sign_in(p_email => 'A@pgtap.test', p_ip => '10.0.0.1', p_now => '2030-01-01 10:00Z'),
  '{"status": "queued"}'::jsonb, 'A sign-in request is queued');
select is(request_sign_in('a@pgtap.test', '10.0.0.2', '2030-01-01 10:00:30Z'),
  '{"status": "rate_limited", "retry_after": 30}'::jsonb,
  'A second request within 60 s is refused, saying how many seconds remain');
select is(request_sign_in('nobody@pgtap.test', '10.0.0.3', '2030-01-01 10:00Z'),
  '{"status": "queued"}'::jsonb, 'An unknown address gets exactly the answer of a known one');
select is(request_sign_in('nobody@pgtap.test', '10.0.0.3', '2030-01-01 10:00:10Z'),
  '{"status": "rate_limited", "retry_after": 50}'::jsonb, 'An unknown address is rate limited like a known one');
select is(request_sign_in('c@pgtap.test', '10.0.0.4', '2030-01-01 10:00Z') || request_sign_in('d@pgtap.test', '10.0.0.4', '2030-01-01 10:00Z'),
  '{"status": "queued"}'::jsonb, 'So are a client without portal access and an archived one');
select is((select count(*)::int from generate_series(1, 35) n
            where request_sign_in(format('x%s@pgtap.test', n), '10.9.9.9', '2030-01-01 12:00Z') ->> 'status' = 'rate_limited'), 5,
  'An IP gets at most 30 link requests an hour');
select is(request_sign_in('y@pgtap.test', '10.9.9.9', '2030-01-01 12:30Z'),
  '{"status": "rate_limited", "retry_after": 1800}'::jsonb, 'and is told when it may ask again');
select is(request_sign_in('y@pgtap.test', '10.9.9.9', '2030-01-01 13:00:01Z') ->> 'status',
  'queued', 'The IP may ask again an hour later');

-- The worker
select is(jsonb_path_query_array(claim_sign_in_requests(20, 120, '2030-01-01 10:00:05Z'), '$[*].email'),
  '["a@pgtap.test"]'::jsonb, 'The worker is handed only the request of a client with portal access');
select results_eq(
  $$ select email, status from private.sign_in_requests where requested_at < '2030-01-01 11:00Z' order by email $$,
  $$ values ('a@pgtap.test', 'pending'), ('c@pgtap.test', 'not_allowed'), ('d@pgtap.test', 'not_allowed'),
            ('nobody@pgtap.test', 'not_allowed') $$,
  'The other requests are closed: no link is made for them');
select is(claim_sign_in_requests(20, 120, '2030-01-01 10:00:06Z'), '[]'::jsonb,
  'A claimed request is leased: a second worker does not get it');
select is(finish_sign_in_request((select id from private.sign_in_requests where email = 'a@pgtap.test'),
                                 'mail server down', '2030-01-01 10:00:10Z') ->> 'status',
  'pending', 'A request whose email failed stays pending');
select is(claim_sign_in_requests(20, 120, '2030-01-01 10:00:39Z'), '[]'::jsonb, 'and is not retried before 30 s');
select is(jsonb_array_length(claim_sign_in_requests(20, 120, '2030-01-01 10:00:41Z')), 1, 'but after them');
select is(finish_sign_in_request((select id from private.sign_in_requests where email = 'a@pgtap.test'),
                                 null, '2030-01-01 10:00:42Z') ->> 'status',
  'sent', 'Once sent, the request is done');
select is(claim_sign_in_requests(20, 120, '2030-01-01 14:00:02Z'), '[]'::jsonb,
  'A request still unsent an hour after it was made is not sent any more');
select is((select status from private.sign_in_requests where email = 'y@pgtap.test'), 'abandoned',
  'but abandoned');

-- Making a link (the worker, for a client with portal access)
select is(issue_login_link(p_email => 'A@pgtap.test', p_token_hash => repeat('1', 64),
                           p_code_hash => repeat('2', 64), p_ttl_seconds => 86400, p_now => '2030-01-01 10:00Z'),
  '{"status": "created", "email": "a@pgtap.test", "name": "Ada Tap"}'::jsonb,
  'A link is created for a client with portal access, whatever the case of the address');
select is(issue_login_link('a@pgtap.test', repeat('3', 64), repeat('4', 64), 86400, '2030-01-01 10:01:01Z') ->> 'status',
  'created', 'A new link is created');
select is(consume_login(p_token_hash => repeat('1', 64), p_user_agent => null, p_now => '2030-01-01 10:02Z'), '{"status": "voided"}'::jsonb,
  'The new link voided the older one');
select is(issue_login_link('c@pgtap.test', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z'),
  '{"status": "not_allowed"}'::jsonb, 'No link for a client without portal access');
select is(issue_login_link('d@pgtap.test', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z'),
  '{"status": "not_allowed"}'::jsonb, 'No link for an archived client');
select is(issue_login_link('nobody@pgtap.test', repeat('5', 64), repeat('6', 64), 86400, '2030-01-01 10:00Z'),
  '{"status": "not_allowed"}'::jsonb, 'No link for an unknown address');
select is_empty($$ select l.id from private.login_links l join public.clients c on c.id = l.client_id
                    where c.email in ('c@pgtap.test', 'd@pgtap.test') $$,
  'No link was stored for the client without access or the archived one');
select throws_ok($$ select issue_login_link('a@pgtap.test', repeat('7', 64), repeat('8', 64), 90000) $$,
  '22023', 'A sign-in link lives between 1 minute and 24 hours.', 'A link cannot live longer than 24 hours');
select throws_ok($$ select issue_login_link('a@pgtap.test', repeat('7', 64), repeat('8', 64), 59) $$,
  '22023', null, 'A link lives at least a minute');

-- Using a link
select results_eq(
  $$ select r ->> 'status', r ->> 'client_id', r ->> 'email', (r ->> 'expires_at')::timestamptz
       from consume_login(p_token_hash => repeat('3', 64), p_session_lifetime_seconds => 28800,
                               p_user_agent => 'pgtap', p_now => '2030-01-01 10:05Z') r $$,
  $$ values ('signed_in'::text, 'aaaaaaaa-0000-4000-8000-000000000000'::text, 'a@pgtap.test'::text,
             '2030-01-01 18:05Z'::timestamptz) $$,
  'The link signs the client in, for a session of 8 hours');
select is(consume_login(p_token_hash => repeat('3', 64), p_user_agent => 'pgtap', p_now => '2030-01-01 10:06Z'), '{"status": "used"}'::jsonb,
  'The same link works only once');
select is(consume_login(p_token_hash => repeat('0', 64), p_user_agent => 'pgtap', p_now => '2030-01-01 10:06Z'), '{"status": "unknown"}'::jsonb,
  'An unknown link is refused');
select is(issue_login_link('a@pgtap.test', repeat('9', 64), repeat('a', 64), 86400, '2030-01-02 10:00Z') ->> 'status',
  'created', 'Another link is sent the next day');
select is(consume_login(p_token_hash => repeat('9', 64), p_user_agent => null, p_now => '2030-01-03 10:00:01Z'), '{"status": "expired"}'::jsonb,
  'A link is refused after 24 hours');

-- The 6-digit code
select is(issue_login_link('a@pgtap.test', repeat('b', 64), repeat('c', 64), 86400, '2030-01-04 10:00Z') ->> 'status',
  'created', 'A link with a code is sent');
select is(consume_login(p_email => 'a@pgtap.test', p_code_hash => repeat('0', 64), p_now => '2030-01-04 10:01Z'),
  '{"status": "wrong_code", "attempts_left": 4}'::jsonb, 'A wrong code is refused, with the attempts left');
select is(consume_login(p_email => 'A@PGTAP.TEST', p_code_hash => repeat('c', 64), p_now => '2030-01-04 10:01Z') ->> 'status', 'signed_in',
  'The right code signs in, whatever the case of the address');
select is(consume_login(p_token_hash => repeat('b', 64), p_user_agent => null, p_now => '2030-01-04 10:02Z'), '{"status": "used"}'::jsonb,
  'Once its code is used, the link is used too');
select is(issue_login_link('a@pgtap.test', repeat('d', 64), repeat('e', 64), 86400, '2030-01-05 10:00Z') ->> 'status',
  'created', 'Another link with a code is sent');
select is((select array_agg(consume_login(p_email => 'a@pgtap.test', p_code_hash => repeat('0', 64), p_now => '2030-01-05 10:01Z') ->> 'status')
             from generate_series(1, 5)),
  array['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'too_many_attempts'], 'The fifth wrong code voids the link');
select is(consume_login(p_email => 'a@pgtap.test', p_code_hash => repeat('e', 64), p_now => '2030-01-05 10:02Z'), '{"status": "no_code"}'::jsonb,
  'After five wrong codes even the right one is refused');
select is(consume_login(p_token_hash => repeat('d', 64), p_user_agent => null, p_now => '2030-01-05 10:02Z'), '{"status": "voided"}'::jsonb,
  'and so is the link itself');
select is(consume_login(p_email => 'c@pgtap.test', p_code_hash => repeat('0', 64), p_now => '2030-01-05 10:02Z'), '{"status": "no_code"}'::jsonb,
  'A client without a link has no code to guess');

-- Sessions
create temp table session_under_test as
select (consume_login(p_token_hash => repeat('f', 64), p_user_agent => null, p_now => '2030-01-06 10:01Z') ->> 'session_id')::uuid as id
  from (select issue_login_link('a@pgtap.test', repeat('f', 64), repeat('f', 64), 86400, '2030-01-06 10:00Z')) r;
select results_eq(
  $$ select r ->> 'status', r ->> 'email' from touch_session((select id from session_under_test), 1800, '2030-01-06 10:30Z') r $$,
  $$ values ('active'::text, 'a@pgtap.test'::text) $$,
  'A session in use stays active and says whose it is');
select is(touch_session((select id from session_under_test), 86400, '2030-01-06 18:01:01Z') ->> 'status', 'expired',
  'A session ends 8 hours after sign-in however active it is');
select is(touch_session((select id from session_under_test), 1800, '2030-01-06 11:00:01Z') ->> 'status', 'idle',
  'A session idle for 30 minutes ends');
select is(touch_session((select id from session_under_test), 1800, '2030-01-06 11:00:02Z') ->> 'status', 'revoked',
  'and stays ended');
select is(touch_session(gen_random_uuid(), 1800, '2030-01-06 11:00Z') ->> 'status', 'revoked',
  'An unknown session is no session');

create temp table second_session as
select (consume_login(p_token_hash => repeat('6', 64), p_user_agent => null, p_now => '2030-01-07 10:01Z') ->> 'session_id')::uuid as id
  from (select issue_login_link('a@pgtap.test', repeat('6', 64), repeat('6', 64), 86400, '2030-01-07 10:00Z')) r;
select is(revoke_session((select id from second_session), '2030-01-07 10:05Z'), '{"status": "revoked"}'::jsonb,
  'Signing out revokes the session');
select is(touch_session((select id from second_session), 1800, '2030-01-07 10:06Z') ->> 'status', 'revoked',
  'A revoked session ends at once');
select is(revoke_session(gen_random_uuid(), '2030-01-07 10:05Z'), '{"status": "unknown"}'::jsonb,
  'Revoking an unknown session says so');

create temp table third_session as
select (consume_login(p_token_hash => repeat('7', 64), p_user_agent => null, p_now => '2030-01-08 10:01Z') ->> 'session_id')::uuid as id
  from (select issue_login_link('a@pgtap.test', repeat('7', 64), repeat('7', 64), 86400, '2030-01-08 10:00Z')) r;
select tests.act_as_owner();
update public.clients set portal_access = false where id = 'aaaaaaaa-0000-4000-8000-000000000000';
select tests.act_as_service_role();
select is(touch_session((select id from third_session), 1800, '2030-01-08 10:06Z') ->> 'status', 'not_allowed',
  'Removing portal access ends the client''s sessions at their next request');
select is(client_has_portal_access('a@pgtap.test'), 'false'::jsonb,
  'and Supabase mode''s check says the same');

select * from finish();
rollback;
