-- Invoices and their items: totals kept by triggers (per statement, bulk included), amounts paid
-- kept from the payments (refunds included), "invoice sent" in the history, and who sees what.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(74);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql.

-- Fixtures: clients A and B with portal access, C without, D archived -------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC', business_name = 'Tap Studio', stripe_account_id = 'acct_tap123';
select tests.create_clients();  -- A and B with portal access, C without, D archived

insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency, archived) values
  ('aaaaaaaa-0001-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-1', 'sent', current_date - 20, current_date + 10, 'USD', false),
  ('aaaaaaaa-0001-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-2', 'sent', current_date - 10, current_date + 20, 'EUR', false),
  ('aaaaaaaa-0001-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-DRAFT', 'draft', current_date, current_date + 30, 'USD', false),
  ('aaaaaaaa-0001-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-ARCHIVED', 'sent', current_date - 90, current_date - 60, 'USD', true),
  ('aaaaaaaa-0001-4000-8000-000000000005', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-VOID', 'void', current_date - 40, current_date - 10, 'USD', false),
  ('aaaaaaaa-0001-4000-8000-000000000006', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-PAY', 'sent', current_date - 5, current_date + 25, 'USD', false),
  ('aaaaaaaa-0001-4000-8000-000000000007', 'aaaaaaaa-0000-4000-8000-000000000000', 'TAP-T-1', 'draft', current_date, current_date + 30, 'USD', false),
  ('bbbbbbbb-0001-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000', 'TAP-B-1', 'sent', current_date - 3, current_date + 27, 'USD', false),
  ('bbbbbbbb-0001-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-000000000000', 'TAP-T-2', 'draft', current_date, current_date + 30, 'USD', false),
  ('cccccccc-0001-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000', 'TAP-C-1', 'sent', current_date - 3, current_date + 27, 'USD', false),
  ('dddddddd-0001-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000', 'TAP-D-1', 'sent', current_date - 3, current_date + 27, 'USD', false);
insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate)
select i.id, 1, 'Work on ' || i.number, 1, 10000, 0
  from public.invoices i where i.number like 'TAP-%' and i.number not like 'TAP-T-%' and i.number <> 'TAP-A-1';

-- ============================================================================================
-- Administrator (table owner): totals kept from the items
-- ============================================================================================
insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate) values
  ('aaaaaaaa-0001-4000-8000-000000000001', 1, 'Design', 2, 15000, 20),
  ('aaaaaaaa-0001-4000-8000-000000000001', 2, 'Hosting', 1.5, 1001, 0);
select results_eq(
  $$ select subtotal, tax_total, total, amount_due from public.invoices where number = 'TAP-A-1' $$,
  $$ values (31502::bigint, 6000::bigint, 37502::bigint, 37502::bigint) $$,
  'Inserting items sets subtotal, tax, total and amount due');
select results_eq(
  $$ select description, amount, tax_amount from public.invoice_items
      where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000001' order by position $$,
  $$ values ('Design'::text, 30000::bigint, 6000::bigint), ('Hosting', 1502, 0) $$,
  'Each line''s amount and tax are rounded to the minor unit per line');

insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate) values
  ('aaaaaaaa-0001-4000-8000-000000000007', 1, 'Design', 2, 15000, 20),
  ('aaaaaaaa-0001-4000-8000-000000000007', 2, 'Hosting', 1.5, 1001, 0),
  ('aaaaaaaa-0001-4000-8000-000000000007', 3, 'Extra', 1, 1000, 10),
  ('bbbbbbbb-0001-4000-8000-000000000002', 1, 'Audit', 3, 2500, 0);
select results_eq(
  $$ select number, subtotal, tax_total, total from public.invoices where number like 'TAP-T-%' order by number $$,
  $$ values ('TAP-T-1'::text, 32502::bigint, 6100::bigint, 38602::bigint), ('TAP-T-2', 7500, 0, 7500) $$,
  'One insert statement with items of two invoices totals both');

update public.invoice_items set unit_price = 20000
 where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000007' and description = 'Design';
select results_eq(
  $$ select subtotal, tax_total, total from public.invoices where number = 'TAP-T-1' $$,
  $$ values (42502::bigint, 8100::bigint, 50602::bigint) $$,
  'Updating an item''s price recomputes its invoice');

update public.invoice_items set quantity = quantity * 2
 where invoice_id in ('aaaaaaaa-0001-4000-8000-000000000007', 'bbbbbbbb-0001-4000-8000-000000000002');
select results_eq(
  $$ select number, subtotal, tax_total, total from public.invoices where number like 'TAP-T-%' order by number $$,
  $$ values ('TAP-T-1'::text, 85003::bigint, 16200::bigint, 101203::bigint), ('TAP-T-2', 15000, 0, 15000) $$,
  'One update statement over items of two invoices recomputes both');

update public.invoice_items set invoice_id = 'bbbbbbbb-0001-4000-8000-000000000002'
 where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000007' and description = 'Extra';
select results_eq(
  $$ select number, subtotal, tax_total from public.invoices where number like 'TAP-T-%' order by number $$,
  $$ values ('TAP-T-1'::text, 83003::bigint, 16000::bigint), ('TAP-T-2', 17000, 200) $$,
  'Moving an item to another invoice recomputes the one it left and the one it joined');

delete from public.invoice_items
 where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000007' and description = 'Hosting';
select results_eq(
  $$ select subtotal, tax_total, total from public.invoices where number = 'TAP-T-1' $$,
  $$ values (80000::bigint, 16000::bigint, 96000::bigint) $$,
  'Deleting an item recomputes its invoice');

delete from public.invoice_items
 where invoice_id in ('aaaaaaaa-0001-4000-8000-000000000007', 'bbbbbbbb-0001-4000-8000-000000000002');
select results_eq(
  $$ select number, subtotal, tax_total, total from public.invoices where number like 'TAP-T-%' order by number $$,
  $$ values ('TAP-T-1'::text, 0::bigint, 0::bigint, 0::bigint), ('TAP-T-2', 0, 0, 0) $$,
  'One delete statement emptying two invoices leaves both at zero');

insert into public.invoice_items (invoice_id, position, description, unit_price, tax_rate)
select 'aaaaaaaa-0001-4000-8000-000000000007', n, 'Line ' || n, 100, 10 from generate_series(1, 500) n;
select results_eq(
  $$ select subtotal, tax_total, total from public.invoices where number = 'TAP-T-1' $$,
  $$ values (50000::bigint, 5000::bigint, 55000::bigint) $$,
  'A bulk insert of 500 items is totalled');
select lives_ok($$ update public.invoice_items set unit_price = 1 where false $$,
  'An update that touches no item is harmless');
select is((select total from public.invoices where number = 'TAP-T-1'), 55000::bigint,
  'and leaves the totals as they were');
select is((select total from public.invoices where number = 'TAP-A-2'), 10000::bigint,
  'Invoices whose items were not touched keep their totals');

select throws_ok($$ update public.invoices set total = 1 where number = 'TAP-T-1' $$, '428C9', null,
  'The total is computed, never written');
select throws_ok($$ update public.invoices set amount_due = 0 where number = 'TAP-T-1' $$, '428C9', null,
  'The amount due is computed, never written');
select throws_ok($$ insert into public.invoice_items (invoice_id, description, unit_price, amount)
                    values ('aaaaaaaa-0001-4000-8000-000000000007', 'Cheat', 100, 1) $$, '428C9', null,
  'A line''s amount is computed, never written');
select throws_ok($$ insert into public.invoice_items (invoice_id, description, quantity, unit_price)
                    values ('aaaaaaaa-0001-4000-8000-000000000007', 'Nothing', 0, 100) $$, '23514', null,
  'A line''s quantity must be positive');
select throws_ok($$ insert into public.invoice_items (invoice_id, description, unit_price)
                    values ('aaaaaaaa-0001-4000-8000-000000000007', 'Refund', -100) $$, '23514', null,
  'A line''s unit price cannot be negative');
select throws_ok($$ insert into public.invoice_items (invoice_id, description, unit_price, tax_rate)
                    values ('aaaaaaaa-0001-4000-8000-000000000007', 'Tax', 100, 101) $$, '23514', null,
  'A tax rate is a percentage between 0 and 100');

-- ============================================================================================
-- Administrator: "invoice sent"
-- ============================================================================================
select results_eq(
  $$ select kind::text, subject_type, summary, actor from public.activity
      where subject_id = 'aaaaaaaa-0001-4000-8000-000000000001' $$,
  $$ values ('invoice_sent'::text, 'invoice'::text, 'Invoice TAP-A-1 was sent'::text, 'admin'::text) $$,
  'An invoice created as sent is in its client''s history, as the administrator''s doing');
select is((select client_id from public.activity where subject_id = 'aaaaaaaa-0001-4000-8000-000000000001'),
  'aaaaaaaa-0000-4000-8000-000000000000'::uuid, 'The entry belongs to the invoice''s client');
select is_empty($$ select id from public.activity
                    where subject_id in ('aaaaaaaa-0001-4000-8000-000000000003', 'aaaaaaaa-0001-4000-8000-000000000005') $$,
  'A draft or void invoice records no "sent"');
select is((select sent_at from public.invoices where number = 'TAP-A-1'), now(), 'Creating a sent invoice stamps sent_at');
select is((select sent_at from public.invoices where number = 'TAP-T-1'), null, 'A draft has no sent_at');

update public.invoices set status = 'sent' where number = 'TAP-T-1';
select results_eq(
  $$ select count(*)::int, min(summary) from public.activity
      where subject_id = 'aaaaaaaa-0001-4000-8000-000000000007' and kind = 'invoice_sent' $$,
  $$ values (1, 'Invoice TAP-T-1 was sent'::text) $$,
  'Sending a draft records "sent" once');
select isnt((select sent_at from public.invoices where number = 'TAP-T-1'), null, 'Sending a draft stamps sent_at');
update public.invoices set notes = 'Thanks!', due_date = due_date + 1 where number = 'TAP-T-1';
update public.invoices set status = 'sent' where number = 'TAP-T-1';
select is((select count(*)::int from public.activity where subject_id = 'aaaaaaaa-0001-4000-8000-000000000007'), 1,
  'Editing a sent invoice, or sending it again, records nothing more');

-- ============================================================================================
-- Administrator: amounts paid, kept from the payments
-- ============================================================================================
select results_eq(
  $$ select total, amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (10000::bigint, 0::bigint, 10000::bigint, null::timestamptz) $$,
  'Before any payment the whole total is due');
insert into public.payments (invoice_id, amount, currency, status, stripe_payment_intent_id, paid_at) values
  ('aaaaaaaa-0001-4000-8000-000000000006', 10000, 'USD', 'pending', 'pi_tap_pending', now()),
  ('aaaaaaaa-0001-4000-8000-000000000006', 10000, 'USD', 'failed', 'pi_tap_failed', now());
select results_eq(
  $$ select amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (0::bigint, 10000::bigint, null::timestamptz) $$,
  'Pending and failed payments pay nothing');
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id, paid_at)
values ('aaaaaaaa-0001-4000-8000-000000000006', 4000, 'USD', 'pi_tap_first', now() - interval '2 days');
select results_eq(
  $$ select amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (4000::bigint, 6000::bigint, null::timestamptz) $$,
  'A partial payment lowers the amount due; the invoice is not paid yet');
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id, paid_at)
values ('aaaaaaaa-0001-4000-8000-000000000006', 6000, 'USD', 'pi_tap_second', now() - interval '1 day');
select results_eq(
  $$ select amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (10000::bigint, 0::bigint, now() - interval '1 day') $$,
  'Paying the rest leaves nothing due; paid_at is the time of the last payment');
update public.payments set amount_refunded = 1500, status = 'partially_refunded'
 where stripe_payment_intent_id = 'pi_tap_second';
select results_eq(
  $$ select amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (8500::bigint, 1500::bigint, null::timestamptz) $$,
  'A partial refund puts the refunded amount back as due and clears paid_at');
update public.payments set amount_refunded = 6000, status = 'refunded'
 where stripe_payment_intent_id = 'pi_tap_second';
select results_eq(
  $$ select amount_paid, amount_due from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (4000::bigint, 6000::bigint) $$,
  'A full refund takes the whole payment back');
update public.payments set status = 'succeeded' where stripe_payment_intent_id = 'pi_tap_pending';
select results_eq(
  $$ select amount_paid, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (14000::bigint, 0::bigint, now()) $$,
  'A pending payment that succeeds counts; overpaid, nothing is due (never less than zero)');
insert into public.invoice_items (invoice_id, position, description, unit_price)
values ('aaaaaaaa-0001-4000-8000-000000000006', 2, 'Late addition', 5000);
select results_eq(
  $$ select total, amount_due, paid_at from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (15000::bigint, 1000::bigint, null::timestamptz) $$,
  'An item added to a paid invoice makes it due again and clears paid_at');
delete from public.payments where stripe_payment_intent_id = 'pi_tap_pending';
select results_eq(
  $$ select amount_paid, amount_due from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (4000::bigint, 11000::bigint) $$,
  'Deleting a payment takes it back');
update public.payments set invoice_id = 'aaaaaaaa-0001-4000-8000-000000000002'
 where stripe_payment_intent_id = 'pi_tap_first';
select results_eq(
  $$ select number, amount_paid from public.invoices where number in ('TAP-A-PAY', 'TAP-A-2') order by number $$,
  $$ values ('TAP-A-2'::text, 4000::bigint), ('TAP-A-PAY', 0) $$,
  'Moving a payment to another invoice recomputes both invoices');
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id)
values ('bbbbbbbb-0001-4000-8000-000000000001', 10000, 'USD', 'pi_tap_b');
select results_eq(
  $$ select amount_due, paid_at from public.invoices where number = 'TAP-B-1' $$,
  $$ values (0::bigint, now()) $$,
  'Client B''s invoice is paid by its own payment');
select is((select amount_paid from public.invoices where number = 'TAP-A-1'), 0::bigint,
  'Other invoices'' payments never count towards this one');

-- ============================================================================================
-- Administrator: constraints
-- ============================================================================================
select throws_ok($$ insert into public.invoices (client_id, number, issue_date, due_date)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-BAD-1', current_date, current_date - 1) $$,
  '23514', null, 'An invoice cannot be due before it is issued');
select throws_ok($$ insert into public.invoices (client_id, number)
                    values ('bbbbbbbb-0000-4000-8000-000000000000', 'TAP-A-1') $$,
  '23505', null, 'Invoice numbers are unique across clients');
select throws_ok($$ insert into public.invoices (client_id, number, currency)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-BAD-2', 'usd') $$,
  '23514', null, 'A currency is a three-letter upper-case code');
select throws_ok($$ insert into public.invoices (client_id, number, status)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-BAD-3', 'paid') $$,
  '22P02', null, '"paid" is not a status: it follows from the amount due');
select throws_ok($$ insert into public.invoices (client_id, number)
                    values ('eeeeeeee-0000-4000-8000-000000000000', 'TAP-BAD-4') $$,
  '23503', null, 'An invoice belongs to an existing client');
select throws_ok($$ delete from public.clients where id = 'aaaaaaaa-0000-4000-8000-000000000000' $$,
  '23503', null, 'A client with invoices cannot be deleted');
select throws_ok($$ delete from public.invoices where number = 'TAP-A-2' $$,
  '23503', null, 'An invoice with payments cannot be deleted');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select results_eq($$ select number from public.invoices order by number $$,
  $$ values ('TAP-A-1'::text), ('TAP-A-2'), ('TAP-A-PAY'), ('TAP-A-VOID'), ('TAP-T-1') $$,
  'Client A sees its sent and void invoices: not its draft, not its archived one, not B''s');
select is_empty($$ select id from public.invoices where id in ('aaaaaaaa-0001-4000-8000-000000000003',
                                                                'aaaaaaaa-0001-4000-8000-000000000004') $$,
  'Client A cannot read its draft or archived invoice even by id');
select results_eq(
  $$ select total, amount_paid, amount_due from public.invoices where number = 'TAP-A-PAY' $$,
  $$ values (15000::bigint, 0::bigint, 15000::bigint) $$,
  'Client A reads the amounts the database keeps');
select results_eq(
  $$ select description from public.invoice_items
      where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000001' order by position $$,
  $$ values ('Design'::text), ('Hosting') $$,
  'Client A reads the items of its invoice');
select is_empty($$ select id from public.invoice_items
                    where invoice_id in ('aaaaaaaa-0001-4000-8000-000000000003', 'aaaaaaaa-0001-4000-8000-000000000004') $$,
  'Client A cannot read the items of its draft or archived invoice');
select is_empty($$ select id from public.invoice_items
                    where invoice_id = 'bbbbbbbb-0001-4000-8000-000000000001' $$,
  'Client A cannot read the items of client B''s invoice');
select is((select count(distinct invoice_id)::int from public.invoice_items), 5,
  'Every item client A reads belongs to one of its five visible invoices');

select throws_ok($$ insert into public.invoices (client_id, number)
                    values ('aaaaaaaa-0000-4000-8000-000000000000', 'TAP-A-MINE') $$,
  '42501', null, 'Client A cannot create invoices');
select throws_ok($$ update public.invoices set status = 'void' where number = 'TAP-A-1' $$,
  '42501', null, 'Client A cannot void its invoice');
select throws_ok($$ update public.invoices set amount_paid = 37502 where number = 'TAP-A-1' $$,
  '42501', null, 'Client A cannot mark its invoice paid');
select throws_ok($$ update public.invoices set due_date = due_date + 365 where number = 'TAP-A-1' $$,
  '42501', null, 'Client A cannot move its due date');
select throws_ok($$ delete from public.invoices where number = 'TAP-A-1' $$,
  '42501', null, 'Client A cannot delete its invoice');
select throws_ok($$ insert into public.invoice_items (invoice_id, description, unit_price)
                    values ('aaaaaaaa-0001-4000-8000-000000000001', 'Discount', 0) $$,
  '42501', null, 'Client A cannot add items');
select throws_ok($$ update public.invoice_items set unit_price = 1
                    where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000001' $$,
  '42501', null, 'Client A cannot change an item''s price');
select throws_ok($$ delete from public.invoice_items where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000001' $$,
  '42501', null, 'Client A cannot delete items');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.act_as_client('b@pgtap.test');

select results_eq($$ select number from public.invoices order by number $$,
  $$ values ('TAP-B-1'::text) $$,
  'Client B sees only its sent invoice, not its draft, none of A''s');
select is_empty($$ select id from public.invoices where client_id = 'aaaaaaaa-0000-4000-8000-000000000000' $$,
  'Client B cannot read client A''s invoices by asking for them');
select is_empty($$ select id from public.invoice_items where invoice_id = 'aaaaaaaa-0001-4000-8000-000000000001' $$,
  'Client B cannot read the items of client A''s invoice');

-- ============================================================================================
-- Client without portal access
-- ============================================================================================
select tests.act_as_client('c@pgtap.test');

select is_empty($$ select id from public.invoices $$, 'A client without portal access sees no invoice, not even its own');
select is_empty($$ select id from public.invoice_items $$, 'A client without portal access sees no item');

-- ============================================================================================
-- Archived client
-- ============================================================================================
select tests.act_as_client('d@pgtap.test');

select is_empty($$ select id from public.invoices $$, 'An archived client sees no invoice, not even its own');
select is_empty($$ select id from public.invoice_items $$, 'An archived client sees no item');

-- ============================================================================================
-- Anonymous
-- ============================================================================================
select tests.act_as_anon();

select throws_ok($$ select id from public.invoices $$, '42501', null, 'Anonymous requests cannot read invoices');
select throws_ok($$ select id from public.invoice_items $$, '42501', null, 'Anonymous requests cannot read items');
select throws_ok($$ update public.invoices set status = 'void' $$, '42501', null,
  'Anonymous requests cannot change invoices');

-- ============================================================================================
-- Service role
-- ============================================================================================
select tests.act_as_service_role();

select is((select count(*)::int from public.invoices where number like 'TAP-%'), 11,
  'The service role sees every invoice, drafts and archived ones included');
select results_eq(
  $$ update public.invoices set status = 'sent' where number = 'TAP-T-2' returning number, status::text $$,
  $$ values ('TAP-T-2'::text, 'sent'::text) $$,
  'The service role sends client B''s draft');
select results_eq(
  $$ select kind::text, actor from public.activity where subject_id = 'bbbbbbbb-0001-4000-8000-000000000002' $$,
  $$ values ('invoice_sent'::text, 'system'::text) $$,
  'An invoice sent by the service role is recorded as the system''s doing');
select tests.act_as_client('b@pgtap.test');
select results_eq($$ select number from public.invoices order by number $$,
  $$ values ('TAP-B-1'::text), ('TAP-T-2') $$,
  'Client B sees the invoice as soon as it is sent');

select * from finish();
rollback;
