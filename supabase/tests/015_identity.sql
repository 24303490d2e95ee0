-- Identity: only a live session made by the portal's magic-link flow is a client. GoTrue
-- sessions anyone with the anon key can make (a password sign-up, an anonymous sign-in) carry a
-- client's email and still get nothing; signing out takes effect at once, in both modes.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(25);

-- Fixtures: client A with a sent invoice and a pending quote; GoTrue users and sessions --------
insert into public.clients (id, name, email, portal_access) values
  ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Ida Tap', 'ida@pgtap.test', true);
insert into public.invoices (id, client_id, number, status) values
  ('aaaaaaaa-0000-4000-8001-0000000000a1', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'ID-INV-1', 'sent');
insert into public.quotes (id, client_id, number, status, valid_until) values
  ('aaaaaaaa-0000-4000-8002-0000000000a1', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'ID-Q-1', 'sent',
   current_date + 30);
insert into auth.users (id, email, is_anonymous) values
  ('11111111-0000-4000-8000-000000000001', 'ida@pgtap.test', false),
  ('11111111-0000-4000-8000-000000000002', 'ida@pgtap.test', true);
insert into auth.sessions (id, user_id) values
  ('22222222-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001'),
  ('22222222-0000-4000-8000-000000000002', '11111111-0000-4000-8000-000000000002');

/** GoTrue's access-token claims for a session, with its amr method. */
create function pg_temp.gotrue(p_user text, p_session text, p_method text, p_anonymous boolean)
returns jsonb language sql as $$
  select jsonb_build_object('aud', 'authenticated', 'role', 'authenticated', 'sub', p_user,
    'email', 'ida@pgtap.test', 'session_id', p_session, 'aal', 'aal1', 'is_anonymous', p_anonymous,
    'amr', jsonb_build_array(jsonb_build_object('method', p_method, 'timestamp', 1700000000)))
$$;
grant execute on function pg_temp.gotrue(text, text, text, boolean) to authenticated;

/** Everything client A could read or do, as the current claims. */
create function pg_temp.what_is_seen() returns jsonb language sql as $$
  select jsonb_build_object(
    'identity', private.current_client_id(),
    'clients', (select count(*) from public.clients),
    'invoices', (select count(*) from public.invoices),
    'quotes', (select count(*) from public.quotes),
    'activity', (select count(*) from public.activity))
$$;
grant execute on function pg_temp.what_is_seen() to authenticated;

-- ============================================================================================
-- A GoTrue password sign-up carrying client A's email (amr "password")
-- ============================================================================================
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000001', 'password', false));
select is(pg_temp.what_is_seen(),
  '{"identity": null, "clients": 0, "invoices": 0, "quotes": 0, "activity": 0}'::jsonb,
  'A password sign-up with a client''s email is nobody and reads no table');
select is(portal_dashboard() -> 'client', 'null'::jsonb, 'Its dashboard names no client');
select throws_ok($$ select portal_invoice('aaaaaaaa-0000-4000-8001-0000000000a1') $$, 'P0002',
  'Invoice not found.', 'It cannot open the client''s invoice');
select throws_ok($$ select accept_quote('aaaaaaaa-0000-4000-8002-0000000000a1', 'Mallory') $$, 'P0002',
  'Quote not found.', 'It cannot accept the client''s quote');
select throws_ok($$ select reject_quote('aaaaaaaa-0000-4000-8002-0000000000a1', 'No') $$, 'P0002',
  'Quote not found.', 'It cannot reject the client''s quote');
select is((select tests.error_of($$ select update_contact(p_phone => '+1 555 999 0000') $$) ->> 'code') is not null,
  true, 'It cannot change the client''s contact details');

-- ============================================================================================
-- A GoTrue anonymous sign-in carrying client A's email (is_anonymous, amr "anonymous")
-- ============================================================================================
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000002',
  '22222222-0000-4000-8000-000000000002', 'anonymous', true));
select is(pg_temp.what_is_seen(),
  '{"identity": null, "clients": 0, "invoices": 0, "quotes": 0, "activity": 0}'::jsonb,
  'An anonymous sign-in with a client''s email is nobody and reads no table');
select throws_ok($$ select portal_invoice('aaaaaaaa-0000-4000-8001-0000000000a1') $$, 'P0002',
  'Invoice not found.', 'It cannot open the client''s invoice');
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000002',
  '22222222-0000-4000-8000-000000000002', 'otp', true));
select is(private.current_client_id(), null, 'is_anonymous refuses even with an otp amr');

-- ============================================================================================
-- A GoTrue magic-link session (Supabase mode): a client while its session lives
-- ============================================================================================
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000001', 'magiclink', false));
select is(private.current_client_id(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid,
  'A magic-link session (amr "magiclink") of a live auth session is the client');
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000001', 'otp', false));
select is((pg_temp.what_is_seen() ->> 'invoices')::int, 1, 'An email OTP session reads the client''s invoice');
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000002',
  '22222222-0000-4000-8000-000000000001', 'otp', false));
select is(private.current_client_id(), null, 'A session of another Auth user (sub) is nobody');
select tests.act_as_owner();
update auth.sessions set not_after = now() - interval '1 second'
 where id = '22222222-0000-4000-8000-000000000001';
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000001', 'otp', false));
select is(private.current_client_id(), null, 'A session past its not_after is nobody');
select tests.act_as_owner();
update auth.sessions set not_after = null where id = '22222222-0000-4000-8000-000000000001';
delete from auth.sessions where id = '22222222-0000-4000-8000-000000000001';  -- GoTrue's sign-out
select tests.act_as('authenticated', pg_temp.gotrue('11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000001', 'otp', false));
select is(pg_temp.what_is_seen(),
  '{"identity": null, "clients": 0, "invoices": 0, "quotes": 0, "activity": 0}'::jsonb,
  'Once GoTrue ends the session, its still unexpired token reads nothing');

-- ============================================================================================
-- The portal's own sessions (Postgres mode)
-- ============================================================================================
select tests.act_as_client('ida@pgtap.test');
select is(private.current_client_id(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid,
  'A live portal session with amr "otp" is the client');
select is((pg_temp.what_is_seen() ->> 'quotes')::int, 1, 'It reads the client''s quote');
select tests.act_as('authenticated', (select jsonb_set(current_setting('request.jwt.claims')::jsonb,
  '{amr}', '[{"method": "password", "timestamp": 1700000000}]')));
select is(private.current_client_id(), null, 'The same session with amr "password" is nobody');
select tests.act_as('authenticated', (select current_setting('request.jwt.claims')::jsonb - 'amr'));
select is(private.current_client_id(), null, 'Without amr it is nobody');
select tests.act_as('authenticated', (select current_setting('request.jwt.claims')::jsonb
  || '{"amr": "otp"}'));
select is(private.current_client_id(), null, 'An amr that is not GoTrue''s array is nobody');
select tests.act_as('authenticated', (select current_setting('request.jwt.claims')::jsonb
  || '{"amr": [{"method": "otp"}], "session_id": "not-a-uuid"}'));
select is(private.current_client_id(), null, 'A session id that is not a uuid is nobody (no error)');

select tests.act_as_client('ida@pgtap.test');
select tests.act_as_owner();
update private.sessions set revoked_at = now() where id = md5('ida@pgtap.test')::uuid;  -- sign-out
select tests.act_as('authenticated', jsonb_build_object('sub', md5('ida@pgtap.test')::uuid,
  'email', 'ida@pgtap.test', 'role', 'authenticated', 'session_id', md5('ida@pgtap.test')::uuid,
  'amr', '[{"method": "otp", "timestamp": 1700000000}]'::jsonb));
select is(pg_temp.what_is_seen(),
  '{"identity": null, "clients": 0, "invoices": 0, "quotes": 0, "activity": 0}'::jsonb,
  'A revoked portal session reads nothing at once, though its token has not expired');
select tests.act_as_owner();
update private.sessions set revoked_at = null, expires_at = now() - interval '1 second'
 where id = md5('ida@pgtap.test')::uuid;
select tests.act_as('authenticated', jsonb_build_object('sub', md5('ida@pgtap.test')::uuid,
  'email', 'ida@pgtap.test', 'role', 'authenticated', 'session_id', md5('ida@pgtap.test')::uuid,
  'amr', '[{"method": "otp", "timestamp": 1700000000}]'::jsonb));
select is(private.current_client_id(), null, 'A portal session past its absolute end is nobody');

-- A portal session belongs to one client: another client's email with it is nobody.
select tests.act_as_owner();
insert into public.clients (id, name, email, portal_access) values
  ('bbbbbbbb-0000-4000-8000-0000000000b1', 'Bo Tap', 'bo@pgtap.test', true);
select tests.act_as_client('ida@pgtap.test');
select tests.act_as('authenticated', (select jsonb_set(current_setting('request.jwt.claims')::jsonb,
  '{email}', '"bo@pgtap.test"')));
select is(private.current_client_id(), null, 'Client A''s session with client B''s email is nobody');

-- Nothing above changed client A's documents.
select tests.act_as_owner();
select is((select status::text from public.quotes where id = 'aaaaaaaa-0000-4000-8002-0000000000a1'), 'sent',
  'Client A''s quote is still pending');
select is((select phone from public.clients where id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), null,
  'Client A''s contact details are unchanged');

select * from finish();
rollback;
