-- Activity: the client's history, written only by triggers and definer helpers where things
-- happen (by whom: the client, an administrator, the system), read by its client alone.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(41);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql.

-- Fixtures: clients A and B with portal access, C without, D archived -------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC', business_name = 'Tap Studio', stripe_account_id = 'acct_tap123';
select tests.create_clients();  -- A and B with portal access, C without, D archived

-- Things happen to client A (and a little to the others), each through the path that really
-- does it: the administrator sends, the service role records payments, the client decides.
insert into public.invoices (id, client_id, number, status, currency) values
  ('aaaaaaaa-0001-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-1', 'sent', 'USD'),
  ('aaaaaaaa-0001-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-DRAFT', 'draft', 'USD'),
  ('bbbbbbbb-0001-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000', 'TAP-B-1', 'sent', 'USD'),
  ('cccccccc-0001-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000', 'TAP-C-1', 'sent', 'USD'),
  ('dddddddd-0001-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000', 'TAP-D-1', 'sent', 'USD');
insert into public.invoice_items (invoice_id, description, unit_price)
select i.id, 'Work', 10000 from public.invoices i where i.number like 'TAP-%';
insert into public.quotes (id, client_id, number, status, valid_until) values
  ('aaaaaaaa-0002-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-1', 'sent', current_date + 10),
  ('aaaaaaaa-0002-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-2', 'sent', current_date + 10);
insert into public.booking_links (id, slug, title, duration_minutes, buffer_minutes) values
  ('eeeeeeee-0003-4000-8000-000000000001', 'tap-intro', 'Intro call', 30, 10);

select tests.act_as_service_role();
insert into public.payments (id, invoice_id, amount, currency, stripe_payment_intent_id) values
  ('aaaaaaaa-0004-4000-8000-000000000001', 'aaaaaaaa-0001-4000-8000-000000000001', 10000, 'USD', 'pi_tap_1');
update public.payments set amount_refunded = 2500, status = 'partially_refunded' where stripe_payment_intent_id = 'pi_tap_1';
update public.payments set flag = 'amount_mismatch' where stripe_payment_intent_id = 'pi_tap_1';

select tests.act_as_client('a@pgtap.test');
do $$
begin
  perform accept_quote('aaaaaaaa-0002-4000-8000-000000000001', 'Ada Tap');
  perform reject_quote('aaaaaaaa-0002-4000-8000-000000000002', 'Not now');
  perform update_contact(p_phone => '+44 20 7946 0000', p_address_line1 => '1 Analytical Way',
                         p_address_line2 => null, p_city => 'London', p_region => null,
                         p_postal_code => 'N1 7AA', p_country => 'United Kingdom');
end
$$;

select tests.act_as_owner();
insert into public.bookings (id, booking_link_id, client_id, starts_at, ends_at, blocked_until) values
  ('aaaaaaaa-0005-4000-8000-000000000001', 'eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
   '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:40Z');
update public.bookings set status = 'cancelled', cancelled_at = now() where id = 'aaaaaaaa-0005-4000-8000-000000000001';
update public.clients set city = 'Bristol' where id = 'bbbbbbbb-0000-4000-8000-000000000000';

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select results_eq(
  $$ select kind::text, actor from public.activity order by id $$,
  $$ values ('invoice_sent'::text, 'admin'::text), ('quote_sent', 'admin'), ('quote_sent', 'admin'),
            ('payment_received', 'system'), ('payment_refunded', 'system'), ('payment_flagged', 'system'),
            ('quote_accepted', 'client'), ('quote_rejected', 'client'), ('contact_updated', 'client'),
            ('booking_made', 'admin'), ('booking_cancelled', 'admin') $$,
  'Client A reads its whole history in order, each entry with who did it');
select is_empty($$ select id from public.activity where client_id <> 'aaaaaaaa-0000-4000-8000-000000000000' $$,
  'Client A reads no other client''s history');
select results_eq(
  $$ select kind::text, subject_type, subject_id from public.activity
      where kind in ('invoice_sent', 'quote_accepted', 'booking_made', 'contact_updated', 'payment_received')
      order by id $$,
  $$ values ('invoice_sent'::text, 'invoice'::text, 'aaaaaaaa-0001-4000-8000-000000000001'::uuid),
            ('payment_received', 'invoice', 'aaaaaaaa-0001-4000-8000-000000000001'),
            ('quote_accepted', 'quote', 'aaaaaaaa-0002-4000-8000-000000000001'),
            ('contact_updated', 'client', 'aaaaaaaa-0000-4000-8000-000000000000'),
            ('booking_made', 'booking', 'aaaaaaaa-0005-4000-8000-000000000001') $$,
  'Each entry links to what it is about');
select results_eq(
  $$ select kind::text, details from public.activity where kind::text like 'payment_%' order by id $$,
  $$ values ('payment_received'::text, '{"payment_id": "aaaaaaaa-0004-4000-8000-000000000001", "amount": 10000, "currency": "USD"}'::jsonb),
            ('payment_refunded', '{"payment_id": "aaaaaaaa-0004-4000-8000-000000000001", "amount": 2500, "currency": "USD"}'),
            ('payment_flagged', '{"payment_id": "aaaaaaaa-0004-4000-8000-000000000001", "flag": "amount_mismatch", "amount": 10000, "currency": "USD"}') $$,
  'Payment entries carry amounts in minor units with their currency, for the page to format');
select results_eq(
  $$ select summary from public.activity where kind::text like 'payment_%' order by id $$,
  $$ values ('Payment received for invoice TAP-A-1'::text), ('Refund issued for invoice TAP-A-1'),
            ('A payment for invoice TAP-A-1 needs review (amount mismatch)') $$,
  'Payment entries say what happened in words');
select results_eq(
  $$ select summary, details from public.activity where kind::text like 'booking_%' order by id $$,
  $$ values ('Appointment booked: Intro call'::text, '{"starts_at": "2030-01-07T10:00:00+00:00", "ends_at": "2030-01-07T10:30:00+00:00"}'::jsonb),
            ('Appointment cancelled: Intro call', '{"starts_at": "2030-01-07T10:00:00+00:00", "ends_at": "2030-01-07T10:30:00+00:00"}') $$,
  'Booking entries name the appointment and its time');
select is((select details -> 'reason' from public.activity where kind = 'quote_rejected'), '"Not now"'::jsonb,
  'A rejection carries its reason');

select throws_ok($$ insert into public.activity (client_id, kind, summary)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'payment_received', 'I paid, honest') $$,
  '42501', null, 'Client A cannot write its own history');
select throws_ok($$ insert into public.activity (client_id, kind, summary)
                    values ('bbbbbbbb-0000-4000-8000-000000000000', 'quote_rejected', 'B rejected') $$,
  '42501', null, 'Client A cannot write into client B''s history');
select throws_ok($$ update public.activity set summary = 'Nothing happened' $$, '42501', null,
  'Client A cannot rewrite its history');
select throws_ok($$ delete from public.activity $$, '42501', null, 'Client A cannot erase its history');
select throws_ok($$ select private.record_activity('aaaaaaaa-0000-4000-8000-000000000000', 'payment_received',
                                                    'invoice', null, 'Paid', '{}') $$,
  '42501', null, 'Client A cannot call the helper the triggers write with');

-- First views, recorded for the administrators through a definer helper that checks ownership.
select is(record_document_view(p_document_type => 'invoice', p_document_id => 'aaaaaaaa-0001-4000-8000-000000000001'),
  'true'::jsonb, 'Client A''s first look at its invoice is recorded');
select is(record_document_view('invoice', 'aaaaaaaa-0001-4000-8000-000000000001'), 'false'::jsonb,
  'A second look records nothing more');
select is(record_document_view('quote', 'aaaaaaaa-0002-4000-8000-000000000001'), 'true'::jsonb,
  'Client A''s first look at its quote is recorded');
select is(record_document_view('invoice', 'bbbbbbbb-0001-4000-8000-000000000001'), 'false'::jsonb,
  'Opening client B''s invoice records nothing, exactly like a missing one');
select is(record_document_view('invoice', 'aaaaaaaa-0001-4000-8000-000000000003'), 'false'::jsonb,
  'Opening its own draft records nothing');
select is(record_document_view('invoice', gen_random_uuid()), 'false'::jsonb,
  'Opening a missing invoice records nothing');
select throws_ok($$ select record_document_view('payment', 'aaaaaaaa-0004-4000-8000-000000000001') $$,
  '22023', null, 'Only invoices and quotes are viewed');
select results_eq(
  $$ select kind::text, summary, actor from public.activity where kind::text like '%_viewed' order by id $$,
  $$ values ('invoice_viewed'::text, 'Invoice TAP-A-1 was viewed for the first time'::text, 'client'::text),
            ('quote_viewed', 'Quote TAP-Q-1 was viewed for the first time', 'client') $$,
  'Exactly the two first views are in the history, by the client');

-- The portal's views of the history
select results_eq(
  $$ select (e ->> 'id')::bigint from jsonb_array_elements(portal_dashboard() -> 'activity') e $$,
  $$ select id from public.activity where kind::text not like '%_viewed' order by at desc, id desc limit 10 $$,
  'The dashboard shows client A''s ten latest entries but the views, newest first');
select results_eq(
  $$ select r ->> 'total', jsonb_array_length(r -> 'activity'), r -> 'activity' -> 0 ->> 'kind'
       from portal_activity(p_page => 1, p_page_size => 5) r $$,
  $$ values ('11'::text, 5, 'booking_cancelled'::text) $$,
  'portal_activity gives the total and the newest page first');
select results_eq(
  $$ select (e ->> 'id')::bigint from jsonb_array_elements(portal_activity(3, 5) -> 'activity') e $$,
  $$ select id from public.activity where kind::text not like '%_viewed' order by at desc, id desc offset 10 $$,
  'The last page of portal_activity holds the oldest entries');
select is(jsonb_array_length(portal_activity(4, 5) -> 'activity'), 0, 'A page past the end is empty');
select throws_ok($$ select portal_activity(0, 5) $$, '22023', 'Page must be 1 or more.',
  'portal_activity refuses page 0');
select throws_ok($$ select portal_activity(1, 101) $$, '22023', 'Page size must be between 1 and 100.',
  'portal_activity refuses a page over 100 entries');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.act_as_client('b@pgtap.test');

select results_eq($$ select kind::text, actor from public.activity order by id $$,
  $$ values ('invoice_sent'::text, 'admin'::text), ('contact_updated', 'admin') $$,
  'Client B reads its own history only');
select is((portal_activity() ->> 'total')::int, 2, 'portal_activity counts client B''s entries only');

-- ============================================================================================
-- Client without portal access
-- ============================================================================================
select tests.act_as_client('c@pgtap.test');

select is_empty($$ select id from public.activity $$, 'A client without portal access reads no history, not even its own');
select is((portal_activity() ->> 'total')::int, 0, 'portal_activity gives a client without access nothing');
select is(record_document_view('invoice', 'cccccccc-0001-4000-8000-000000000001'), 'false'::jsonb,
  'A client without portal access records no view, even of its own invoice');

-- ============================================================================================
-- Archived client
-- ============================================================================================
select tests.act_as_client('d@pgtap.test');

select is_empty($$ select id from public.activity $$, 'An archived client reads no history');
select is(record_document_view('invoice', 'dddddddd-0001-4000-8000-000000000001'), 'false'::jsonb,
  'An archived client records no view');

-- ============================================================================================
-- Anonymous
-- ============================================================================================
select tests.act_as_anon();

select throws_ok($$ select id from public.activity $$, '42501', null, 'Anonymous requests cannot read any history');
select throws_ok($$ select portal_activity() $$, '42501', null, 'Anonymous requests cannot call portal_activity');
select throws_ok($$ select record_document_view('invoice', 'aaaaaaaa-0001-4000-8000-000000000001') $$, '42501', null,
  'Anonymous requests cannot record views');

-- ============================================================================================
-- Service role and administrator
-- ============================================================================================
select tests.act_as_service_role();

select is((select count(*)::int from public.activity a join public.clients c on c.id = a.client_id
            where c.email like '%@pgtap.test'), 17,
  'The service role reads every client''s history');
select is((select count(*)::int from public.activity a join public.clients c on c.id = a.client_id
            where a.kind::text like '%_viewed' and c.email like '%@pgtap.test'), 2,
  'The failed view attempts of every actor recorded nothing');

select tests.act_as_owner();
select throws_ok($$ insert into public.activity (client_id, kind, summary, actor)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'invoice_sent', 'x', 'hacker') $$,
  '23514', null, 'An entry''s actor is the client, an administrator, Stripe or the system');
select throws_ok($$ insert into public.activity (client_id, kind, summary, subject_type)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'invoice_sent', 'x', 'table') $$,
  '23514', null, 'An entry is about an invoice, quote, payment, booking or the client');
select throws_ok($$ insert into public.activity (client_id, kind, summary)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'invoice_eaten', 'x') $$,
  '22P02', null, 'An entry''s kind is one of the known kinds');

select * from finish();
rollback;
