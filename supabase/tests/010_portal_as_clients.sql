-- The portal's functions and tables as each actor sees them: client A, client B, a client
-- without portal access, an archived client, anonymous.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
grant execute on all functions in schema extensions to anon, authenticated;
select plan(44);

-- In the spirit of supabase-test-helpers: act as a client by email, or as nobody.
create schema tests;
grant usage on schema tests to anon, authenticated;
create function tests.authenticate_as(p_email text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', json_build_object('email', p_email, 'role', 'authenticated',
                    'aud', 'authenticated', 'sub', gen_random_uuid())::text, true) $$;
create function tests.clear_authentication() returns void language sql as $$
  select set_config('role', 'none', true), set_config('request.jwt.claims', '', true) $$;
grant execute on all functions in schema tests to anon, authenticated;

update public.settings set time_zone = 'UTC', business_name = 'Tap & Co', stripe_account_id = 'acct_tap1';
insert into public.clients (id, name, email, portal_access, archived) values
  ('a0000000-0000-4000-8000-000000000000', 'Client A', 'a@tap.test', true, false),
  ('b0000000-0000-4000-8000-000000000000', 'Client B', 'b@tap.test', true, false),
  ('c0000000-0000-4000-8000-000000000000', 'Client C', 'c@tap.test', false, false),
  ('d0000000-0000-4000-8000-000000000000', 'Client D', 'd@tap.test', true, true);
insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency, archived) values
  ('a0000000-0000-4000-8001-000000000001', 'a0000000-0000-4000-8000-000000000000', 'A-PAID', 'sent', current_date - 30, current_date - 20, 'USD', false),
  ('a0000000-0000-4000-8001-000000000002', 'a0000000-0000-4000-8000-000000000000', 'A-OVERDUE', 'sent', current_date - 30, current_date - 1, 'USD', false),
  ('a0000000-0000-4000-8001-000000000003', 'a0000000-0000-4000-8000-000000000000', 'A-PART', 'sent', current_date - 5, current_date + 10, 'EUR', false),
  ('a0000000-0000-4000-8001-000000000004', 'a0000000-0000-4000-8000-000000000000', 'A-DRAFT', 'draft', current_date, current_date + 10, 'USD', false),
  ('a0000000-0000-4000-8001-000000000005', 'a0000000-0000-4000-8000-000000000000', 'A-ARCHIVED', 'sent', current_date - 90, current_date - 60, 'USD', true),
  ('b0000000-0000-4000-8001-000000000001', 'b0000000-0000-4000-8000-000000000000', 'B-OPEN', 'sent', current_date - 5, current_date + 10, 'USD', false);
insert into public.invoice_items (invoice_id, description, quantity, unit_price, tax_rate)
select id, 'Work', 1, 10000, 0 from public.invoices;
insert into public.payments (invoice_id, amount, currency) values
  ('a0000000-0000-4000-8001-000000000001', 10000, 'USD'),
  ('a0000000-0000-4000-8001-000000000003', 4000, 'EUR');
insert into public.quotes (id, client_id, number, status, issue_date, valid_until, currency) values
  ('a0000000-0000-4000-8002-000000000001', 'a0000000-0000-4000-8000-000000000000', 'QA-PENDING', 'sent', current_date - 1, current_date + 10, 'USD'),
  ('a0000000-0000-4000-8002-000000000002', 'a0000000-0000-4000-8000-000000000000', 'QA-PENDING-2', 'sent', current_date - 2, current_date + 10, 'USD'),
  ('a0000000-0000-4000-8002-000000000003', 'a0000000-0000-4000-8000-000000000000', 'QA-EXPIRED', 'sent', current_date - 30, current_date - 1, 'USD'),
  ('a0000000-0000-4000-8002-000000000004', 'a0000000-0000-4000-8000-000000000000', 'QA-DRAFT', 'draft', current_date, current_date + 10, 'USD'),
  ('b0000000-0000-4000-8002-000000000001', 'b0000000-0000-4000-8000-000000000000', 'QB-PENDING', 'sent', current_date, current_date + 10, 'USD');
insert into public.quotes (client_id, number, status, issue_date, valid_until, currency, accepted_at, accepted_by)
values ('a0000000-0000-4000-8000-000000000000', 'QA-ACCEPTED', 'accepted', current_date - 9, current_date - 1, 'USD', now(), 'A');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.authenticate_as('A@TAP.test');

select is((select count(*)::int from public.invoices), 3,
  'Client A sees its sent invoices, not its draft or archived ones, nor B''s');
select is((portal_invoices('all') -> 'counts'), '{"all": 3, "paid": 1, "unpaid": 2, "overdue": 1}'::jsonb,
  'Client A''s invoice counts per filter');
select is((select array_agg(x ->> 'number' order by x ->> 'number') from jsonb_array_elements(portal_invoices('overdue') -> 'invoices') x),
  array['A-OVERDUE'], 'The overdue filter lists the invoice past its due date with something due');
select is((select array_agg(x ->> 'number' order by x ->> 'number') from jsonb_array_elements(portal_invoices('unpaid') -> 'invoices') x),
  array['A-OVERDUE', 'A-PART'], 'The unpaid filter includes overdue and partly paid invoices');
select is((select array_agg(x ->> 'number') from jsonb_array_elements(portal_invoices('paid') -> 'invoices') x),
  array['A-PAID'], 'The paid filter lists the invoice with nothing due');
select is(jsonb_array_length(portal_invoices('all', 2, 2) -> 'invoices'), 1,
  'Paging: page 2 of size 2 holds the third invoice');
select throws_ok($$ select portal_invoices('everything') $$, '22023', null,
  'An unknown invoice filter is refused');
select throws_ok($$ select portal_invoices('all', 0) $$, '22023', 'Page must be 1 or more.',
  'Page 0 is refused');
select throws_ok($$ select portal_invoices('all', 1, 1000) $$, '22023', 'Page size must be between 1 and 100.',
  'A huge page is refused');
select is(portal_invoice('a0000000-0000-4000-8001-000000000003') ->> 'state', 'partially_paid',
  'A partly paid invoice reads partially_paid');
select is(jsonb_array_length(portal_invoice('a0000000-0000-4000-8001-000000000003') -> 'payments'), 1,
  'The invoice carries its payment history');
select throws_ok($$ select portal_invoice('b0000000-0000-4000-8001-000000000001') $$, 'P0002', 'Invoice not found.',
  'Client B''s invoice is not found by client A');
select throws_ok($$ select portal_invoice('a0000000-0000-4000-8001-000000000004') $$, 'P0002', 'Invoice not found.',
  'A draft invoice is not found either');
select throws_ok($$ select portal_invoice(gen_random_uuid()) $$, 'P0002', 'Invoice not found.',
  'A missing invoice raises exactly what another client''s does');
select is((select jsonb_agg(x order by x ->> 'currency') from jsonb_array_elements(portal_dashboard() -> 'outstanding') x),
  '[{"currency": "EUR", "overdue": 0, "invoices": 1, "amount_due": 6000}, {"currency": "USD", "overdue": 10000, "invoices": 1, "amount_due": 10000}]'::jsonb,
  'The dashboard gives the outstanding balance per currency, with the overdue part');
select is(jsonb_array_length(portal_dashboard() -> 'quotes'), 4, 'The dashboard lists A''s visible quotes');
select is((portal_quotes('all') -> 'counts'), '{"all": 4, "pending": 2, "accepted": 1, "rejected": 0}'::jsonb,
  'Client A''s quote counts per filter');
select is(portal_quote('a0000000-0000-4000-8002-000000000003') ->> 'state', 'expired',
  'A sent quote past its valid-until date reads expired');
select throws_ok($$ select portal_quote('b0000000-0000-4000-8002-000000000001') $$, 'P0002', 'Quote not found.',
  'Client B''s quote is not found by client A');

-- Deciding quotes
select throws_ok($$ select accept_quote('a0000000-0000-4000-8002-000000000001', '   ') $$, '22023', null,
  'Accepting needs a typed name');
select is(accept_quote('a0000000-0000-4000-8002-000000000001', ' Ada A. ') ->> 'accepted_by', 'Ada A.',
  'Client A accepts its pending quote, signing with its name');
select throws_ok($$ select accept_quote('a0000000-0000-4000-8002-000000000001', 'Ada') $$, '55000', 'Quote QA-PENDING was already accepted.',
  'An accepted quote cannot be accepted again');
select throws_ok($$ select reject_quote('a0000000-0000-4000-8002-000000000001') $$, '55000', 'Quote QA-PENDING was already accepted.',
  'An accepted quote cannot be rejected');
select throws_ok($$ select accept_quote('a0000000-0000-4000-8002-000000000003', 'Ada') $$, '55000', null,
  'An expired quote cannot be accepted');
select throws_ok($$ select accept_quote('a0000000-0000-4000-8002-000000000004', 'Ada') $$, 'P0002', 'Quote not found.',
  'A draft quote cannot be accepted: it does not exist for the client');
select throws_ok($$ select accept_quote('b0000000-0000-4000-8002-000000000001', 'Ada') $$, 'P0002', 'Quote not found.',
  'Client A cannot accept client B''s quote');
select is(reject_quote('a0000000-0000-4000-8002-000000000002', 'Too dear') ->> 'rejection_reason', 'Too dear',
  'Client A rejects a pending quote with a reason');
select results_eq($$ update public.quotes set status = 'accepted', accepted_by = 'Ada'
                     where id = 'a0000000-0000-4000-8002-000000000002' returning id $$,
  $$ select null::uuid where false $$,
  'A rejected quote cannot be flipped to accepted by a direct update');

-- Contact details
select is(update_contact('+44 20 7946 0000', '1 Road', null, 'London', null, 'N1', 'UK') -> 'client' ->> 'phone',
  '+44 20 7946 0000', 'Client A updates its phone number and address');
select throws_ok($$ select update_contact('call me maybe', null, null, null, null, null, null) $$, '22023', null,
  'A phone number with letters is refused');
select throws_ok($$ select update_contact(null, '<script>', null, null, null, null, null) $$, '22023', null,
  'Markup in an address is refused');
select throws_ok($$ select update_contact(null, repeat('x', 201), null, null, null, null, null) $$, '22023', null,
  'An address line over 200 characters is refused');
select throws_ok($$ update public.clients set email = 'new@tap.test' $$, '42501', null,
  'Client A cannot change its email');
select throws_ok($$ update public.clients set portal_access = false $$, '42501', null,
  'Client A cannot change its portal access');
select is((select count(*)::int from public.settings where business_name = 'Tap & Co'), 1,
  'Client A reads the business settings');
select throws_ok($$ select stripe_account_id from public.settings $$, '42501', null,
  'The Stripe account id is server-only');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.authenticate_as('b@tap.test');
select is((select array_agg(number) from public.invoices), array['B-OPEN'], 'Client B sees only its invoice');
select is((select phone from public.clients where id = 'a0000000-0000-4000-8000-000000000000'), null,
  'Client B cannot read client A''s record');

-- ============================================================================================
-- Client without portal access, archived client, anonymous
-- ============================================================================================
select tests.authenticate_as('c@tap.test');
select is((portal_invoices('all') -> 'counts' ->> 'all')::int, 0, 'A client without portal access sees no invoice');
select throws_ok($$ select portal_profile() $$, 'P0002', null, 'A client without portal access has no profile');
select tests.authenticate_as('d@tap.test');
select is((select count(*)::int from public.invoices) + (select count(*)::int from public.settings), 0,
  'An archived client sees nothing');
select tests.clear_authentication();
set local role anon;
select throws_ok($$ select portal_dashboard() $$, '42501', null, 'Anonymous requests cannot call portal functions');
select throws_ok($$ select * from public.invoices $$, '42501', null, 'Anonymous requests cannot read invoices');
select tests.clear_authentication();

-- ============================================================================================
-- Owner: what the decisions left behind
-- ============================================================================================
select is((select decided_by_email from public.quotes where number = 'QA-PENDING'), 'A@TAP.test',
  'The decision records the signed-in email from the verified JWT');

select * from finish();
rollback;
