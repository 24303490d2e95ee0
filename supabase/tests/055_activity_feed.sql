-- The client's feed (Activity page and dashboard): what happened to documents the client can no
-- longer see (archived, back to draft) is hidden with them, and "viewed for the first time"
-- entries are for the business only. The activity table itself keeps everything.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(9);

-- Fixtures: client F with three sent invoices and a sent quote, each with history ------------
update public.settings set time_zone = 'UTC';
insert into public.clients (id, name, email, portal_access) values
  ('ffffffff-0000-4000-8000-000000000000', 'Fay Feed', 'f@pgtap.test', true);
insert into public.invoices (id, client_id, number, status, currency) values
  ('ffffffff-0001-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'FEED-KEPT', 'sent', 'USD'),
  ('ffffffff-0001-4000-8000-000000000002', 'ffffffff-0000-4000-8000-000000000000', 'FEED-ARCHIVED', 'sent', 'USD'),
  ('ffffffff-0001-4000-8000-000000000003', 'ffffffff-0000-4000-8000-000000000000', 'FEED-REDRAFTED', 'sent', 'USD');
insert into public.invoice_items (invoice_id, description, unit_price)
select i.id, 'Work', 50000 from public.invoices i where i.number like 'FEED-%';
insert into public.quotes (id, client_id, number, status, valid_until) values
  ('ffffffff-0002-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'FEED-Q-ARCHIVED', 'sent', current_date + 10);

select tests.act_as_service_role();
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id) values
  ('ffffffff-0001-4000-8000-000000000002', 50000, 'USD', 'pi_feed_archived');

-- The client opens every visible document more than ten times over (one view row each).
select tests.act_as_client('f@pgtap.test');
select record_document_view('invoice', i.id) from public.invoices i;
select record_document_view('quote', q.id) from public.quotes q;

-- Then the administrator archives one invoice and the quote, and takes one invoice back to draft.
select tests.act_as_owner();
update public.invoices set archived = true where number = 'FEED-ARCHIVED';
update public.invoices set status = 'draft' where number = 'FEED-REDRAFTED';
update public.quotes set archived = true where number = 'FEED-Q-ARCHIVED';

-- ============================================================================================
-- Client F
-- ============================================================================================
select tests.act_as_client('f@pgtap.test');

select is((select count(*)::int from public.activity where kind in ('invoice_viewed', 'quote_viewed')), 4,
  'The first views are recorded (the business sees them in the activity table)');
select results_eq(
  $$ select a ->> 'summary' from jsonb_array_elements(portal_activity() -> 'activity') a $$,
  $$ values ('Invoice FEED-KEPT was sent') $$,
  'The Activity page shows only the history of the invoice the client can still see');
select is((portal_activity() ->> 'total')::int, 1,
  'The Activity page''s total counts the same entries it lists');
select is_empty(
  $$ select from jsonb_array_elements(portal_activity() -> 'activity') a
      where a ->> 'kind' in ('invoice_viewed', 'quote_viewed') $$,
  'No "viewed for the first time" entry reaches the client''s Activity page');
select is_empty(
  $$ select from jsonb_array_elements(portal_dashboard() -> 'activity') a
      where a ->> 'subject_id' in ('ffffffff-0001-4000-8000-000000000002', 'ffffffff-0001-4000-8000-000000000003',
                                   'ffffffff-0002-4000-8000-000000000001') $$,
  'The dashboard shows nothing about the archived invoice, the redrafted invoice or the archived quote');
select is_empty(
  $$ select from jsonb_array_elements(portal_dashboard() -> 'activity') a
      where a ->> 'summary' like 'Payment received%' $$,
  'The payment of the archived invoice is hidden with it');
select results_eq(
  $$ select a ->> 'summary' from jsonb_array_elements(portal_dashboard() -> 'activity') a $$,
  $$ values ('Invoice FEED-KEPT was sent') $$,
  'Views do not crowd real events off the dashboard''s entries');

-- ============================================================================================
-- Client F again, once the invoice is unarchived: its history comes back with it
-- ============================================================================================
select tests.act_as_owner();
update public.invoices set archived = false where number = 'FEED-ARCHIVED';
select tests.act_as_client('f@pgtap.test');
select is((portal_activity() ->> 'total')::int, 3,
  'An invoice brought back shows its history again (sent, payment received)');
select results_eq(
  $$ select a ->> 'id' from jsonb_array_elements(portal_dashboard() -> 'activity') a $$,
  $$ select a ->> 'id' from jsonb_array_elements(portal_activity(1, 10) -> 'activity') a $$,
  'The dashboard''s entries are the first of the Activity page''s (the same rule in both)');

select * from finish();
rollback;
