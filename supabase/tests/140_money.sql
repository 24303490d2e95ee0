-- Money invariants (issue 14): a statement's closing balance is opening + invoices − payments +
-- refunds, and equals what is due; refunds are their own rows; a client's statement holds only
-- its own documents.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(25);

-- Fixtures: client A with invoices in two currencies over time; client B with one -------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC';
insert into public.clients (id, name, email, portal_access) values
  ('aaaaaaaa-0000-4000-8000-0000000000e0', 'Ada Money', 'a@money.test', true),
  ('bbbbbbbb-0000-4000-8000-0000000000e0', 'Bea Money', 'b@money.test', true);
insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency) values
  ('aaaaaaaa-00e1-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-1', 'sent', current_date - 100, current_date - 95, 'USD'),
  ('aaaaaaaa-00e1-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-2', 'sent', current_date - 40, current_date - 35, 'USD'),
  ('aaaaaaaa-00e1-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-3', 'sent', current_date - 5, current_date + 25, 'USD'),
  ('aaaaaaaa-00e1-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-E', 'sent', current_date - 10, current_date - 2, 'EUR'),
  ('aaaaaaaa-00e1-4000-8000-000000000005', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-VOID', 'void', current_date - 10, current_date - 2, 'USD'),
  ('aaaaaaaa-00e1-4000-8000-000000000006', 'aaaaaaaa-0000-4000-8000-0000000000e0', 'M-DRAFT', 'draft', current_date - 10, current_date - 2, 'USD'),
  ('bbbbbbbb-00e1-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-0000000000e0', 'M-B', 'sent', current_date - 10, current_date + 20, 'USD');
insert into public.invoice_items (invoice_id, description, unit_price)
select i.id, 'Work', case i.number when 'M-1' then 10000 when 'M-2' then 20000 when 'M-3' then 5000
                                   when 'M-E' then 7000 else 9999 end
  from public.invoices i where i.number like 'M-%';
insert into public.payments (invoice_id, amount, currency, method, paid_at, flag) values
  ('aaaaaaaa-00e1-4000-8000-000000000001', 10000, 'USD', 'card', now() - interval '90 days', null),
  ('aaaaaaaa-00e1-4000-8000-000000000002', 5000, 'USD', 'bank_transfer', now() - interval '20 days', null),
  -- Under review: not counted towards the invoice, so not on the statement either.
  ('aaaaaaaa-00e1-4000-8000-000000000003', 1000, 'USD', 'card', now() - interval '1 day', 'amount_mismatch'),
  ('bbbbbbbb-00e1-4000-8000-000000000001', 3000, 'USD', 'card', now() - interval '1 day', null);
-- Part of the bank transfer goes back, in two refunds.
update public.payments set amount_refunded = 1500, status = 'partially_refunded'
 where invoice_id = 'aaaaaaaa-00e1-4000-8000-000000000002';
update public.payments set amount_refunded = 2000
 where invoice_id = 'aaaaaaaa-00e1-4000-8000-000000000002';

-- ============================================================================================
-- Refunds
-- ============================================================================================
select results_eq(
  $$ select r.amount, r.currency from public.refunds r join public.payments p on p.id = r.payment_id
      where p.invoice_id = 'aaaaaaaa-00e1-4000-8000-000000000002' order by r.refund_number $$,
  $$ values (1500::bigint, 'USD'::text), (500::bigint, 'USD'::text) $$,
  'Each rise of a payment''s refunded total is one refund row of the difference');
select is((select count(distinct refund_number)::int from public.refunds
            where client_id = 'aaaaaaaa-0000-4000-8000-0000000000e0'), 2,
  'Each refund has its own number');

-- ============================================================================================
-- Client A: the statement
-- ============================================================================================
select tests.act_as_client('a@money.test');
create temporary table statement on commit drop as
select c.value as line
  from jsonb_array_elements(public.portal_statement(current_date - 30, current_date) -> 'currencies') c;

select results_eq(
  $$ select line ->> 'currency', (line ->> 'opening')::bigint, (line ->> 'invoiced')::bigint,
            (line ->> 'paid')::bigint, (line ->> 'refunded')::bigint, (line ->> 'closing')::bigint
       from statement order by 1 $$,
  $$ values ('EUR', 0::bigint, 7000::bigint, 0::bigint, 0::bigint, 7000::bigint),
            ('USD', 20000::bigint, 5000::bigint, 5000::bigint, 2000::bigint, 22000::bigint) $$,
  'Per currency: the opening balance, what was invoiced, paid and refunded, and the closing balance');
select is_empty(
  $$ select line from statement
      where (line ->> 'closing')::bigint <> (line ->> 'opening')::bigint + (line ->> 'invoiced')::bigint
                                          - (line ->> 'paid')::bigint + (line ->> 'refunded')::bigint $$,
  'Closing = opening + invoices - payments + refunds, in every currency');
select is_empty(
  $$ select line from statement
      where (line ->> 'closing')::bigint <> (select coalesce(sum(i.amount_due), 0) from public.invoices i
                                              where i.status = 'sent' and i.currency = line ->> 'currency') $$,
  'A statement up to today closes on what is due');
select is_empty(
  $$ select line from statement
      where (line ->> 'closing')::bigint <> (line -> 'entries' -> -1 ->> 'balance')::bigint $$,
  'The running balance of the last line is the closing balance');
select results_eq(
  $$ select e ->> 'kind', e ->> 'invoice_number', (e ->> 'amount')::bigint
       from statement, jsonb_array_elements(line -> 'entries') e
      where line ->> 'currency' = 'USD' order by e ->> 'day', e ->> 'kind' $$,
  $$ values ('payment', 'M-2', -5000::bigint), ('invoice', 'M-3', 5000::bigint),
            ('refund', 'M-2', 1500::bigint), ('refund', 'M-2', 500::bigint) $$,
  'Every invoice, payment and refund of the period is a line; void, drafts and payments under review are not');
select results_eq(
  $$ select line -> 'aging' from statement where line ->> 'currency' = 'USD' $$,
  $$ values ('{"current": 5000, "days_1_30": 0, "days_31_60": 17000, "days_61_90": 0, "over_90": 0}'::jsonb) $$,
  'What is due, by days overdue: current, 1-30, 31-60, 61-90, over 90');
select results_eq(
  $$ select line -> 'aging' ->> 'days_1_30' from statement where line ->> 'currency' = 'EUR' $$,
  $$ values ('7000') $$,
  'Aging is per currency');
select is_empty(
  $$ select c from jsonb_array_elements(public.portal_statement(current_date - 200, current_date - 150)
                                        -> 'currencies') c
      where c -> 'entries' <> '[]' or (c ->> 'opening')::bigint <> 0 or (c ->> 'closing')::bigint <> 0 $$,
  'A period before any invoice has no lines and no balance (only what is due today, by age)');
select results_eq(
  $$ select (c ->> 'opening')::bigint, (c ->> 'closing')::bigint, jsonb_array_length(c -> 'entries')
       from jsonb_array_elements(public.portal_statement(current_date - 60, current_date - 50) -> 'currencies') c
      where c ->> 'currency' = 'USD' $$,
  $$ values (0::bigint, 0::bigint, 0) $$,
  'A quiet period opens and closes on the balance carried, with no lines');
select throws_ok($$ select public.portal_statement(current_date, current_date - 1) $$, '22023',
  'Choose a start date on or before the end date.', 'A period that ends before it starts is refused');
select throws_ok($$ select public.portal_statement(current_date - 4000, current_date) $$, '22023',
  'A statement covers at most ten years.', 'A period of more than ten years is refused');

-- ============================================================================================
-- One payment shared among several invoices (an administrator's view)
-- ============================================================================================
select tests.act_as_owner();
insert into public.payments (id, invoice_id, amount, currency, method) values
  ('aaaaaaaa-00e2-4000-8000-000000000001', 'aaaaaaaa-00e1-4000-8000-000000000003', 6000, 'USD', 'card');
insert into public.payment_shares (payment_id, invoice_id, position, amount) values
  ('aaaaaaaa-00e2-4000-8000-000000000001', 'aaaaaaaa-00e1-4000-8000-000000000003', 1, 3000),
  ('aaaaaaaa-00e2-4000-8000-000000000001', 'aaaaaaaa-00e1-4000-8000-000000000002', 2, 3000);
set constraints all immediate;
set constraints all deferred;
select is((select sum(s.amount)::bigint from public.payment_shares s where s.payment_id = 'aaaaaaaa-00e2-4000-8000-000000000001'),
          (select p.amount from public.payments p where p.id = 'aaaaaaaa-00e2-4000-8000-000000000001'),
  'A payment''s shares add up to the payment');
select results_eq(
  $$ select number, amount_due from public.invoices where number in ('M-2', 'M-3') order by number $$,
  $$ values ('M-2'::text, 14000::bigint), ('M-3'::text, 2000::bigint) $$,
  'Each invoice is paid its share, not the whole payment');
update public.payments set amount_refunded = 4000, status = 'partially_refunded'
 where id = 'aaaaaaaa-00e2-4000-8000-000000000001';
select results_eq(
  $$ select number, amount_due from public.invoices where number in ('M-2', 'M-3') order by number $$,
  $$ values ('M-2'::text, 17000::bigint), ('M-3'::text, 3000::bigint) $$,
  'A refund of a shared payment comes off the last share first');
select throws_ok(
  $$ insert into public.payment_shares (payment_id, invoice_id, position, amount)
     values ('aaaaaaaa-00e2-4000-8000-000000000001', 'aaaaaaaa-00e1-4000-8000-000000000001', 3, 1000);
     set constraints all immediate $$,
  '23514', null, 'Shares that do not add up to the payment are refused');
select throws_ok(
  $$ insert into public.payment_shares (payment_id, invoice_id, position, amount)
     values ('aaaaaaaa-00e2-4000-8000-000000000001', 'bbbbbbbb-00e1-4000-8000-000000000001', 3, 1000) $$,
  '23514', 'A payment can only be shared among its own client''s invoices.',
  'A payment is never shared with another client''s invoice');
insert into public.payments (invoice_id, amount, currency, method, flag) values
  ('aaaaaaaa-00e1-4000-8000-000000000003', 99000, 'USD', 'cash', 'overpayment');
select is((select amount_due from public.invoices where number = 'M-3'), 0::bigint,
  'Money beyond what is due leaves nothing due');
select is_empty($$ select number from public.invoices where amount_due < 0 or amount_due > total $$,
  'The amount due is never negative, nor more than the total');
select tests.act_as_client('a@money.test');
select is((select count(*)::int from public.payment_shares), 2, 'Client A sees the shares of its invoices');

-- ============================================================================================
-- Client B, and anonymous
-- ============================================================================================
select tests.act_as_client('b@money.test');
select results_eq(
  $$ select c ->> 'currency', (c ->> 'closing')::bigint
       from jsonb_array_elements(public.portal_statement(current_date - 365, current_date) -> 'currencies') c $$,
  $$ values ('USD', 6999::bigint) $$,
  'Client B''s statement holds only its own invoice and payment');
select is_empty($$ select id from public.refunds $$, 'Client B sees none of A''s refunds');
select is_empty($$ select id from public.payment_shares $$, 'Client B sees none of A''s shares');

select tests.act_as_anon();
select throws_ok($$ select public.portal_statement(current_date - 30, current_date) $$, '42501',
  null, 'Anonymous cannot ask for a statement');

select * from finish();
rollback;
