-- Quotes: a client accepts (signing with its name) or rejects a sent quote until its valid-until
-- date in the business's time zone; the database stamps the decision and records it. Anything
-- else raises 55000 (no longer pending) or P0002 (not the client's to see) and changes nothing.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(84);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql.

-- Fixtures: clients A and B with portal access, C without, D archived -------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC', business_name = 'Tap Studio', stripe_account_id = 'acct_tap123';
select tests.create_clients();  -- A and B with portal access, C without, D archived

-- The business's date differs from UTC's for this whole file (whichever side of the date line
-- that takes at the time the test runs), so a decision taken on UTC's date gets an edge wrong:
-- business ahead, the lapsed quote would still be accepted; behind, the last-day one refused.
update public.settings
   set time_zone = case when extract(hour from now() at time zone 'UTC') < 10
                        then 'Pacific/Pago_Pago' else 'Pacific/Kiritimati' end;

insert into public.quotes (id, client_id, number, status, issue_date, valid_until, currency, archived) values
  ('aaaaaaaa-0002-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-PENDING-1', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-PENDING-2', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-LAST-DAY', 'sent', private.business_today() - 9, private.business_today(), 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-DIRECT', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000005', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-PENDING-5', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000006', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-UNTOUCHED', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000007', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-LAPSED', 'sent', private.business_today() - 9, private.business_today() - 1, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-000000000008', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-EXPIRED', 'expired', private.business_today() - 9, private.business_today() + 5, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-00000000000b', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-DRAFT', 'draft', private.business_today(), private.business_today() + 10, 'USD', false),
  ('aaaaaaaa-0002-4000-8000-00000000000c', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-ARCHIVED', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', true),
  ('bbbbbbbb-0002-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000', 'TAP-Q-B', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('cccccccc-0002-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000', 'TAP-Q-C', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false),
  ('dddddddd-0002-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000', 'TAP-Q-D', 'sent', private.business_today() - 2, private.business_today() + 10, 'USD', false);
insert into public.quotes (id, client_id, number, status, issue_date, valid_until, accepted_at, accepted_by,
                           rejected_at, rejected_by) values
  ('aaaaaaaa-0002-4000-8000-000000000009', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-ACCEPTED', 'accepted',
   private.business_today() - 9, private.business_today() + 5, now() - interval '1 day', 'Ada Tap', null, null),
  ('aaaaaaaa-0002-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-REJECTED', 'rejected',
   private.business_today() - 9, private.business_today() + 5, null, null, now() - interval '1 day', 'Ada Tap');
insert into public.quote_items (quote_id, position, description, unit_price)
select q.id, 1, 'Work on ' || q.number, 10000 from public.quotes q where q.number like 'TAP-Q-%';

-- ============================================================================================
-- Administrator (table owner): the business's date, totals, "quote sent", constraints
-- ============================================================================================
select isnt(private.business_today(), (now() at time zone 'UTC')::date,
  'For this run the business''s date differs from UTC''s (the zone was chosen for that)');

insert into public.quote_items (quote_id, position, description, quantity, unit_price, tax_rate) values
  ('aaaaaaaa-0002-4000-8000-000000000001', 2, 'Design', 2, 15000, 20),
  ('bbbbbbbb-0002-4000-8000-000000000001', 2, 'Hosting', 1.5, 1001, 0);
select results_eq(
  $$ select number, subtotal, tax_total, total from public.quotes
      where number in ('TAP-Q-PENDING-1', 'TAP-Q-B') order by number $$,
  $$ values ('TAP-Q-B'::text, 11502::bigint, 0::bigint, 11502::bigint),
            ('TAP-Q-PENDING-1', 40000, 6000, 46000) $$,
  'One insert statement with items of two quotes totals both');
update public.quote_items set unit_price = unit_price * 2
 where quote_id in ('aaaaaaaa-0002-4000-8000-000000000001', 'bbbbbbbb-0002-4000-8000-000000000001')
   and position = 2;
select results_eq(
  $$ select number, subtotal, tax_total from public.quotes
      where number in ('TAP-Q-PENDING-1', 'TAP-Q-B') order by number $$,
  $$ values ('TAP-Q-B'::text, 13003::bigint, 0::bigint), ('TAP-Q-PENDING-1', 70000, 12000) $$,
  'One update statement over items of two quotes recomputes both');
delete from public.quote_items where quote_id = 'bbbbbbbb-0002-4000-8000-000000000001' and position = 2;
select results_eq(
  $$ select subtotal, tax_total, total from public.quotes where number = 'TAP-Q-B' $$,
  $$ values (10000::bigint, 0::bigint, 10000::bigint) $$,
  'Deleting a quote item recomputes its quote');

select results_eq(
  $$ select kind::text, summary, actor from public.activity where subject_id = 'aaaaaaaa-0002-4000-8000-000000000001' $$,
  $$ values ('quote_sent'::text, 'Quote TAP-Q-PENDING-1 was sent'::text, 'admin'::text) $$,
  'A quote created as sent is in the client''s history');
select is_empty($$ select id from public.activity where subject_id = 'aaaaaaaa-0002-4000-8000-00000000000b' $$,
  'A draft quote records nothing');
select is((select sent_at from public.quotes where number = 'TAP-Q-PENDING-1'), now(),
  'Creating a sent quote stamps sent_at');

select throws_ok($$ insert into public.quotes (client_id, number, issue_date, valid_until)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-BAD-1', current_date, current_date - 1) $$,
  '23514', null, 'A quote cannot lapse before it is issued');
select throws_ok($$ insert into public.quotes (client_id, number, status)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-BAD-2', 'accepted') $$,
  '23514', null, 'An accepted quote must carry when and by whom');
select throws_ok($$ insert into public.quotes (client_id, number, status)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-BAD-3', 'rejected') $$,
  '23514', null, 'A rejected quote must carry when');
select throws_ok($$ insert into public.quotes (client_id, number)
                    values ('bbbbbbbb-0000-4000-8000-000000000000', 'TAP-Q-B') $$,
  '23505', null, 'Quote numbers are unique');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select results_eq($$ select number from public.quotes order by number $$,
  $$ values ('TAP-Q-ACCEPTED'::text), ('TAP-Q-DIRECT'), ('TAP-Q-EXPIRED'), ('TAP-Q-LAPSED'), ('TAP-Q-LAST-DAY'),
            ('TAP-Q-PENDING-1'), ('TAP-Q-PENDING-2'), ('TAP-Q-PENDING-5'), ('TAP-Q-REJECTED'), ('TAP-Q-UNTOUCHED') $$,
  'Client A sees its sent and decided quotes: not its draft, not its archived one, not B''s');
select results_eq(
  $$ select description from public.quote_items where quote_id = 'aaaaaaaa-0002-4000-8000-000000000001' order by position $$,
  $$ values ('Work on TAP-Q-PENDING-1'::text), ('Design') $$,
  'Client A reads the items of its quote');
select is_empty($$ select id from public.quote_items
                    where quote_id in ('aaaaaaaa-0002-4000-8000-00000000000b', 'aaaaaaaa-0002-4000-8000-00000000000c',
                                       'bbbbbbbb-0002-4000-8000-000000000001') $$,
  'Client A cannot read the items of its draft, its archived quote or B''s quote');
select is(portal_quote('aaaaaaaa-0002-4000-8000-000000000003') ->> 'state', 'pending',
  'A quote on its last valid day (business date) reads pending');
select is(portal_quote('aaaaaaaa-0002-4000-8000-000000000007') ->> 'state', 'expired',
  'A sent quote past its valid-until date (business date) reads expired');

-- Accepting: the typed name
select throws_ok($$ select accept_quote(p_quote_id => 'aaaaaaaa-0002-4000-8000-000000000001', p_signer_name => '   ') $$,
  '22023', 'Type your name to accept the quote.', 'Accepting needs a typed name, not blanks');
select throws_ok($$ select accept_quote(p_quote_id => 'aaaaaaaa-0002-4000-8000-000000000001', p_signer_name => null) $$,
  '22023', 'Type your name to accept the quote.', 'Accepting needs a typed name, not null');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000001', repeat('x', 201)) $$,
  '22023', 'Your name can be at most 200 characters.', 'A name over 200 characters is refused');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000001', E'Ada\nTap') $$,
  '22023', 'Your name contains characters that cannot be used.', 'A name with control characters is refused');
select results_eq(
  $$ select status::text, accepted_at, accepted_by from public.quotes where id = 'aaaaaaaa-0002-4000-8000-000000000001' $$,
  $$ values ('sent'::text, null::timestamptz, null::text) $$,
  'A refused signature changes nothing');

-- Accepting
select results_eq(
  $$ select r ->> 'status', r ->> 'state', r ->> 'accepted_by', (r ->> 'accepted_at')::timestamptz = now()
       from accept_quote(p_quote_id => 'aaaaaaaa-0002-4000-8000-000000000001', p_signer_name => '  Ada Tap  ') r $$,
  $$ values ('accepted'::text, 'accepted'::text, 'Ada Tap'::text, true) $$,
  'Client A accepts its pending quote, signing with its trimmed name, and gets the quote back');
select results_eq(
  $$ select accepted_at, decided_by_email, rejected_at from public.quotes
      where id = 'aaaaaaaa-0002-4000-8000-000000000001' $$,
  $$ values (now(), 'a@pgtap.test'::text, null::timestamptz) $$,
  'The database stamps the decision: its own time and the email of the verified JWT');
select is(accept_quote('aaaaaaaa-0002-4000-8000-000000000003', 'Ada Tap') ->> 'status', 'accepted',
  'A quote can still be accepted on its last valid day, by the business''s date');

-- What cannot be accepted or rejected any more: 55000
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000001', 'Ada Tap') $$,
  '55000', 'Quote TAP-Q-PENDING-1 was already accepted.', 'A quote cannot be accepted twice');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-000000000001', 'Changed my mind') $$,
  '55000', 'Quote TAP-Q-PENDING-1 was already accepted.', 'An accepted quote cannot be rejected afterwards');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000009', 'Ada Tap') $$,
  '55000', 'Quote TAP-Q-ACCEPTED was already accepted.', 'A quote accepted earlier cannot be accepted again');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-00000000000a', 'Ada Tap') $$,
  '55000', 'Quote TAP-Q-REJECTED was already rejected.', 'A rejected quote cannot be accepted');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-00000000000a') $$,
  '55000', 'Quote TAP-Q-REJECTED was already rejected.', 'A rejected quote cannot be rejected again');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000007', 'Ada Tap') $$,
  '55000', format('Quote TAP-Q-LAPSED expired on %s and can no longer be accepted.', private.business_today() - 1),
  'A quote past its valid-until date (business date) cannot be accepted');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-000000000007') $$,
  '55000', format('Quote TAP-Q-LAPSED expired on %s and can no longer be rejected.', private.business_today() - 1),
  'A quote past its valid-until date cannot be rejected either');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000008', 'Ada Tap') $$,
  '55000', format('Quote TAP-Q-EXPIRED expired on %s and can no longer be accepted.', private.business_today() + 5),
  'A quote the administrator marked expired cannot be accepted, whatever its date');

-- What the client cannot see: P0002, exactly as for a quote that does not exist
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-00000000000b', 'Ada Tap') $$,
  'P0002', 'Quote not found.', 'A draft quote cannot be accepted: it does not exist for the client');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-00000000000b') $$,
  'P0002', 'Quote not found.', 'A draft quote cannot be rejected');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-00000000000c', 'Ada Tap') $$,
  'P0002', 'Quote not found.', 'An archived quote cannot be accepted');
select throws_ok($$ select accept_quote('bbbbbbbb-0002-4000-8000-000000000001', 'Ada Tap') $$,
  'P0002', 'Quote not found.', 'Client A cannot accept client B''s quote');
select throws_ok($$ select reject_quote('bbbbbbbb-0002-4000-8000-000000000001') $$,
  'P0002', 'Quote not found.', 'Client A cannot reject client B''s quote');
select throws_ok($$ select accept_quote(gen_random_uuid(), 'Ada Tap') $$,
  'P0002', 'Quote not found.', 'A quote that does not exist is not found');
select throws_ok($$ select accept_quote(null, 'Ada Tap') $$,
  'P0002', 'Quote not found.', 'No quote id is not found either');

-- Rejecting
select results_eq(
  $$ select r ->> 'status', r ->> 'state', r ->> 'rejection_reason', r ->> 'rejected_by'
       from reject_quote(p_quote_id => 'aaaaaaaa-0002-4000-8000-000000000002', p_reason => '  Too dear  ') r $$,
  $$ values ('rejected'::text, 'rejected'::text, 'Too dear'::text, 'Ada Tap'::text) $$,
  'Client A rejects a pending quote with a reason; the rejecter is the client''s name');
select results_eq(
  $$ select rejected_at, decided_by_email, accepted_at from public.quotes
      where id = 'aaaaaaaa-0002-4000-8000-000000000002' $$,
  $$ values (now(), 'a@pgtap.test'::text, null::timestamptz) $$,
  'The database stamps the rejection: its time and the signed-in email');
select is(reject_quote('aaaaaaaa-0002-4000-8000-000000000005', '   ') -> 'rejection_reason', 'null'::jsonb,
  'A blank reason is stored as no reason');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-000000000006', repeat('x', 2001)) $$,
  '22023', 'The reason can be at most 2000 characters.', 'A reason over 2000 characters is refused');

-- Direct writes (PostgREST PATCH /quotes): refused, whatever they carry. A decision is made only
-- through accept_quote/reject_quote, which keep its rules.
select throws_ok($$ update public.quotes set status = 'accepted', accepted_by = 'Ada Tap'
                    where id = 'aaaaaaaa-0002-4000-8000-000000000004' $$,
  '42501', null, 'Client A cannot accept its pending quote by a direct update');
select throws_ok($$ update public.quotes set status = 'accepted', accepted_by = 'Someone Else'
                    where id = 'aaaaaaaa-0002-4000-8000-000000000004' $$,
  '42501', null, 'Client A cannot sign a decision with another person''s name');
select throws_ok($$ update public.quotes set status = 'accepted', accepted_by = 'Ada Tap',
                    rejection_reason = 'Too dear' where id = 'aaaaaaaa-0002-4000-8000-000000000004' $$,
  '42501', null, 'Client A cannot store an acceptance carrying a rejection reason');
select throws_ok($$ update public.quotes set status = 'rejected', rejected_by = 'Someone Else'
                    where id = 'aaaaaaaa-0002-4000-8000-000000000004' $$,
  '42501', null, 'Client A cannot reject in another person''s name');
select throws_ok($$ update public.quotes set accepted_by = 'Someone Else'
                    where id = 'aaaaaaaa-0002-4000-8000-000000000009' $$,
  '42501', null, 'The signature of an accepted quote cannot be changed afterwards');
select throws_ok($$ update public.quotes set accepted_at = '2000-01-01' where id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot choose when it accepted');
select throws_ok($$ update public.quotes set decided_by_email = 'boss@pgtap.test' where id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot choose who decided');
select throws_ok($$ update public.quotes set valid_until = valid_until + 365 where id = 'aaaaaaaa-0002-4000-8000-000000000007' $$,
  '42501', null, 'Client A cannot extend a quote''s validity');
select throws_ok($$ update public.quotes set subtotal = 1 where id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot change a quote''s amounts');
select throws_ok($$ update public.quotes set client_id = 'bbbbbbbb-0000-4000-8000-000000000000' where id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot hand its quote to another client');
select is((select status::text from public.quotes where id = 'aaaaaaaa-0002-4000-8000-000000000004'), 'sent',
  'The refused direct updates left the quote pending');
select results_eq(
  $$ select r ->> 'status', r ->> 'accepted_by', r ->> 'rejection_reason'
       from accept_quote('aaaaaaaa-0002-4000-8000-000000000004', 'Ada Tap') r $$,
  $$ values ('accepted'::text, 'Ada Tap'::text, null::text) $$,
  'accept_quote still accepts it, with the typed signature and no reason');
select results_eq(
  $$ select accepted_at = now(), decided_by_email from public.quotes
      where id = 'aaaaaaaa-0002-4000-8000-000000000004' $$,
  $$ values (true, 'a@pgtap.test'::text) $$,
  'The database stamps that decision''s time and the signed-in email');
select throws_ok($$ insert into public.quotes (client_id, number) values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-Q-MINE') $$,
  '42501', null, 'Client A cannot create quotes');
select throws_ok($$ delete from public.quotes where id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot delete quotes');
select throws_ok($$ update public.quote_items set unit_price = 1 where quote_id = 'aaaaaaaa-0002-4000-8000-000000000006' $$,
  '42501', null, 'Client A cannot change a quote''s items');

-- The history
select results_eq(
  $$ select kind::text, summary, actor from public.activity
      where subject_id = 'aaaaaaaa-0002-4000-8000-000000000001' order by id $$,
  $$ values ('quote_sent'::text, 'Quote TAP-Q-PENDING-1 was sent'::text, 'admin'::text),
            ('quote_accepted', 'Quote TAP-Q-PENDING-1 was accepted by Ada Tap', 'client') $$,
  'Accepting is in client A''s history, by the client, with the signer''s name');
select results_eq(
  $$ select kind::text, summary, details, actor from public.activity
      where subject_id = 'aaaaaaaa-0002-4000-8000-000000000002' and kind = 'quote_rejected' $$,
  $$ values ('quote_rejected'::text, 'Quote TAP-Q-PENDING-2 was rejected'::text, '{"reason": "Too dear"}'::jsonb, 'client'::text) $$,
  'Rejecting is in client A''s history, with the reason');
select is((select count(*)::int from public.activity
            where subject_id in ('aaaaaaaa-0002-4000-8000-000000000007', 'aaaaaaaa-0002-4000-8000-000000000006')), 2,
  'Refused attempts record nothing: only the two "sent" entries');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.act_as_client('b@pgtap.test');

select results_eq($$ select number from public.quotes $$, $$ values ('TAP-Q-B'::text) $$,
  'Client B sees only its own quote');
select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000006', 'Bea Tap') $$,
  'P0002', 'Quote not found.', 'Client B cannot accept client A''s pending quote');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-000000000006') $$,
  'P0002', 'Quote not found.', 'Client B cannot reject client A''s pending quote');
select throws_ok($$ update public.quotes set status = 'rejected' where id = 'aaaaaaaa-0002-4000-8000-000000000006' returning id $$,
  '42501', null, 'Client B cannot decide client A''s quote by a direct update');
select results_eq(
  $$ select r ->> 'status', r ->> 'accepted_by' from accept_quote('bbbbbbbb-0002-4000-8000-000000000001', 'Bea Tap') r $$,
  $$ values ('accepted'::text, 'Bea Tap'::text) $$,
  'Client B accepts its own quote');
select is((select decided_by_email from public.quotes where id = 'bbbbbbbb-0002-4000-8000-000000000001'),
  'b@pgtap.test', 'Client B''s decision carries client B''s email');
select throws_ok($$ update public.quotes set status = 'rejected' $$, '42501', null,
  'Client B''s blind update of every quote is refused');

-- ============================================================================================
-- Client without portal access
-- ============================================================================================
select tests.act_as_client('c@pgtap.test');

select is_empty($$ select id from public.quotes $$, 'A client without portal access sees no quote');
select throws_ok($$ select accept_quote('cccccccc-0002-4000-8000-000000000001', 'Cy Tap') $$,
  'P0002', 'Quote not found.', 'A client without portal access cannot accept even its own quote');
select throws_ok($$ select reject_quote('cccccccc-0002-4000-8000-000000000001') $$,
  'P0002', 'Quote not found.', 'A client without portal access cannot reject its own quote');
select throws_ok($$ update public.quotes set status = 'rejected' returning id $$, '42501', null,
  'A client without portal access decides nothing by a direct update');

-- ============================================================================================
-- Archived client
-- ============================================================================================
select tests.act_as_client('d@pgtap.test');

select is_empty($$ select id from public.quotes $$, 'An archived client sees no quote');
select throws_ok($$ select accept_quote('dddddddd-0002-4000-8000-000000000001', 'Dee Tap') $$,
  'P0002', 'Quote not found.', 'An archived client cannot accept its own quote');

-- ============================================================================================
-- Anonymous
-- ============================================================================================
select tests.act_as_anon();

select throws_ok($$ select accept_quote('aaaaaaaa-0002-4000-8000-000000000006', 'Ada Tap') $$,
  '42501', null, 'Anonymous requests cannot accept quotes');
select throws_ok($$ select reject_quote('aaaaaaaa-0002-4000-8000-000000000006') $$,
  '42501', null, 'Anonymous requests cannot reject quotes');
select throws_ok($$ select id from public.quotes $$, '42501', null, 'Anonymous requests cannot read quotes');
select throws_ok($$ update public.quotes set status = 'rejected' $$, '42501', null,
  'Anonymous requests cannot update quotes');

-- ============================================================================================
-- Service role
-- ============================================================================================
select tests.act_as_service_role();

select is((select count(*)::int from public.quotes where number like 'TAP-Q-%'), 15,
  'The service role sees every quote');
select results_eq(
  $$ update public.quotes set status = 'accepted', accepted_by = 'Cy Tap (by phone)'
      where id = 'cccccccc-0002-4000-8000-000000000001'
  returning status::text, accepted_at = now(), decided_by_email $$,
  $$ values ('accepted'::text, true, null::text) $$,
  'The office records a decision taken by phone: stamped now, no signed-in email');
select is((select actor from public.activity where subject_id = 'cccccccc-0002-4000-8000-000000000001'
            and kind = 'quote_accepted'), 'system',
  'A decision recorded by the service role is the system''s doing in the history');

-- ============================================================================================
-- Administrator: what the refused attempts left behind
-- ============================================================================================
select tests.act_as_owner();

select results_eq(
  $$ select status::text, accepted_at, rejected_at, decided_by_email from public.quotes
      where id in ('aaaaaaaa-0002-4000-8000-000000000006', 'aaaaaaaa-0002-4000-8000-000000000007') $$,
  $$ values ('sent'::text, null::timestamptz, null::timestamptz, null::text),
            ('sent', null, null, null) $$,
  'The quotes others tried to decide, and the lapsed one, are untouched');
select results_eq(
  $$ select number, status::text, decided_by_email from public.quotes
      where id in ('aaaaaaaa-0002-4000-8000-00000000000b', 'aaaaaaaa-0002-4000-8000-00000000000c',
                   'dddddddd-0002-4000-8000-000000000001') order by number $$,
  $$ values ('TAP-Q-ARCHIVED'::text, 'sent'::text, null::text), ('TAP-Q-D', 'sent', null),
            ('TAP-Q-DRAFT', 'draft', null) $$,
  'The draft, the archived quote and the archived client''s quote are untouched');

select * from finish();
rollback;
