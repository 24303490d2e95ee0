-- Account settings: each signed-in person reads and saves only their own preferences (keyed by
-- the verified email, for the client they sign in for), through save_account_preferences only;
-- a client without access and anonymous requests read and save nothing.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(15);

select tests.create_clients();  -- A and B with portal access, C without, D archived
update public.settings set time_zone = 'America/New_York';
insert into public.account_preferences (email, client_id, language, quote_sent) values
  ('b@pgtap.test', 'bbbbbbbb-0000-4000-8000-000000000000', 'de', false);
delete from public.outbox;
insert into public.outbox (client_id, dedupe_key, to_email, kind, context) values
  ('bbbbbbbb-0000-4000-8000-000000000000', 'pgtap:prefs', 'B@pgtap.test', 'quote_sent', '{}');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select is(portal_account_preferences(),
  '{"language": null, "time_zone": null, "invoice_reminders": true, "quote_sent": true,
    "booking_reminders": true, "business_time_zone": "America/New_York"}'::jsonb,
  'Client A without a saved setting gets the defaults and the business''s time zone');
select is_empty($$ select * from public.account_preferences $$, 'Client A cannot read B''s preferences');
select is(save_account_preferences('fr', 'Europe/Paris', false, true, true) ->> 'language', 'fr',
  'Client A saves French');
select results_eq($$ select email, language, time_zone, invoice_reminders from public.account_preferences $$,
  $$ values ('a@pgtap.test'::text, 'fr'::text, 'Europe/Paris'::text, false) $$,
  'Client A then reads exactly its own row');
select is(save_account_preferences(null, null, true, true, true) ->> 'language', null,
  'Saving again updates the same row (back to the browser''s language)');
select throws_ok($$ select save_account_preferences('xx', null, true, true, true) $$, '22023',
  'Choose one of the languages offered.', 'A language not offered is refused');
select throws_ok($$ select save_account_preferences('fr', 'Mars/Olympus', true, true, true) $$, '22023',
  'Choose one of the time zones offered.', 'A zone Postgres does not know is refused');
select throws_ok($$ select save_account_preferences('fr', null, null, true, true) $$, '22023', null,
  'Every email choice must be yes or no');
select throws_ok($$ update public.account_preferences set language = 'es' $$, '42501', null,
  'Client A cannot write the table directly');
select throws_ok($$ insert into public.account_preferences (email, client_id)
                    values ('x@pgtap.test', 'aaaaaaaa-0000-4000-8000-000000000000') $$, '42501', null,
  'nor insert a row');

-- ============================================================================================
-- Client without portal access, and anonymous
-- ============================================================================================
select tests.act_as_client('c@pgtap.test');
select throws_ok($$ select save_account_preferences('fr', null, true, true, true) $$, 'P0002', null,
  'A client without portal access saves nothing');
select is_empty($$ select * from public.account_preferences $$, 'and reads nothing');
select tests.act_as_anon();
select throws_ok($$ select portal_account_preferences() $$, '42501', null,
  'Anonymous requests cannot call portal_account_preferences');

-- ============================================================================================
-- The server (the email worker)
-- ============================================================================================
select tests.act_as_service_role();
select results_eq($$ select email, language from public.account_preferences
                    where email like '%@pgtap.test' order by email $$,
  $$ values ('a@pgtap.test'::text, null::text), ('b@pgtap.test'::text, 'de'::text) $$,
  'The service role reads every person''s preferences');
select is(claim_outbox() -> 0 -> 'recipient',
  '{"language": "de", "time_zone": null, "invoice_reminders": true, "quote_sent": false,
    "booking_reminders": true}'::jsonb,
  'The worker gets each email with its recipient''s preferences (the address''s case aside)');

select * from finish();
rollback;
