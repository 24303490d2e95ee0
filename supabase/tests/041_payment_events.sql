-- Stripe events that come early, late or wrong: a charge event waits for its payment and applies
-- however the payment is recorded (an administrator included); the stored Checkout Session
-- decides the invoice; what clients and the business are told; who may call the new pieces.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(15);

-- Fixtures: client E with two invoices ------------------------------------------------------
set local timezone = 'UTC';
update public.settings set stripe_account_id = null, contact_email = 'owner@tap.test';
insert into public.clients (id, name, email, portal_access) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'Eve Tap', 'e@pgtap.test', true),
  ('ffffffff-0000-4000-8000-000000000000', 'Fay Tap', 'f@pgtap.test', true);
insert into public.invoices (id, client_id, number, status, currency) values
  ('eeeeeeee-0001-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'TAP-E-1', 'sent', 'USD'),
  ('eeeeeeee-0001-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000', 'TAP-E-2', 'sent', 'USD'),
  ('ffffffff-0001-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'TAP-F-1', 'sent', 'USD');
insert into public.invoice_items (invoice_id, description, unit_price)
select i.id, 'Work on ' || i.number, 8000 from public.invoices i where i.number like 'TAP-E-%' or i.number = 'TAP-F-1';

-- ============================================================================================
-- Service role: a refund before its payment
-- ============================================================================================
select tests.act_as_service_role();

select is(handle_stripe_event(jsonb_build_object('id', 'evt_tap_early', 'type', 'charge.refunded', 'livemode', false,
            'data', jsonb_build_object('object', '{"id": "ch_tap_early", "payment_intent": "pi_tap_early",
              "amount_refunded": 8000, "payment_method_details": {"card": {"brand": "visa", "last4": "4242"}}}'::jsonb)))
          ->> 'status',
  'waiting', 'A refund of a payment not recorded yet waits');

-- ============================================================================================
-- Administrator (table owner): the payment is typed in by hand
-- ============================================================================================
select tests.act_as_owner();

insert into public.payments (invoice_id, amount, currency, method, stripe_payment_intent_id)
values ('eeeeeeee-0001-4000-8000-000000000001', 8000, 'USD', 'card', 'pi_tap_early');
select results_eq(
  $$ select p.status::text, p.amount_refunded, p.card_brand, p.card_last4, i.amount_due
       from public.payments p join public.invoices i on i.id = p.invoice_id
      where p.stripe_payment_intent_id = 'pi_tap_early' $$,
  $$ values ('refunded'::text, 8000::bigint, 'visa'::text, '4242'::text, 8000::bigint) $$,
  'The waiting refund applies as soon as the payment is recorded, even by hand: the invoice is due again');
select results_eq(
  $$ select status, waiting_for, processed_at is not null from public.stripe_events where id = 'evt_tap_early' $$,
  $$ values ('applied'::text, null::text, true) $$,
  'and the event is then marked applied');
select ok((select receipt_number ~ '^R-[0-9]{6}$' from public.payments where stripe_payment_intent_id = 'pi_tap_early'),
  'A payment typed in by hand gets a receipt number too');

-- ============================================================================================
-- Service role: the stored session decides the invoice
-- ============================================================================================
select tests.act_as_service_role();

select lives_ok($$ select save_checkout_session(jsonb_build_object(
                     'id', 'cs_tap_e2', 'amount_total', 8000, 'currency', 'usd', 'url', 'https://checkout.stripe.test/e2',
                     'expires_at', extract(epoch from now() + interval '1 hour')::bigint,
                     'metadata', jsonb_build_object('invoice_id', 'eeeeeeee-0001-4000-8000-000000000002',
                                                    'client_id', 'eeeeeeee-0000-4000-8000-000000000000'))) $$,
  'A session for TAP-E-2 is saved');
select is(handle_stripe_event(jsonb_build_object('id', 'evt_tap_swap', 'type', 'checkout.session.completed',
            'livemode', false, 'data', jsonb_build_object('object', jsonb_build_object(
              'id', 'cs_tap_e2', 'payment_status', 'paid', 'amount_total', 8000, 'currency', 'usd',
              'payment_intent', 'pi_tap_swap', 'client_reference_id', 'ffffffff-0001-4000-8000-000000000001',
              'metadata', jsonb_build_object('invoice_id', 'ffffffff-0001-4000-8000-000000000001',
                                             'client_id', 'ffffffff-0000-4000-8000-000000000000'))))) ->> 'flag',
  'invoice_mismatch', 'An event naming another client''s invoice than the stored session is flagged');
select results_eq(
  $$ select i.number, i.amount_due, (select count(*)::int from public.payments p where p.invoice_id = i.id)
       from public.invoices i where i.number in ('TAP-E-2', 'TAP-F-1') order by i.number $$,
  $$ values ('TAP-E-2'::text, 8000::bigint, 1), ('TAP-F-1', 8000::bigint, 0) $$,
  'It is recorded on the stored session''s invoice, not counted, and the named invoice is untouched');
select results_eq(
  $$ select kind, to_email from public.outbox where context ->> 'payment_intent' = 'pi_tap_swap' order by kind $$,
  $$ values ('payment_flagged'::text, 'owner@tap.test'::text), ('payment_under_review', 'e@pgtap.test') $$,
  'The client is told the payment is being reviewed (no receipt), and the business is told');

-- A session saved after its webhook.
select is(handle_stripe_event(jsonb_build_object('id', 'evt_tap_fail', 'type', 'checkout.session.async_payment_failed',
            'livemode', false, 'data', jsonb_build_object('object', '{"id": "cs_tap_late"}'::jsonb))) ->> 'status',
  'unchanged', 'A failure for a session not saved yet changes nothing yet');
select is(save_checkout_session(jsonb_build_object(
            'id', 'cs_tap_late', 'amount_total', 8000, 'currency', 'usd', 'url', 'https://checkout.stripe.test/late',
            'expires_at', extract(epoch from now() + interval '1 hour')::bigint,
            'metadata', jsonb_build_object('invoice_id', 'eeeeeeee-0001-4000-8000-000000000002',
                                           'client_id', 'eeeeeeee-0000-4000-8000-000000000000'))) ->> 'status',
  'failed', 'The session, saved late, starts failed: it never stays open');

select is(reject_stripe_event('{"id": "evt_tap_bad", "type": "checkout.session.completed"}', 'malformed') ->> 'status',
  'rejected', 'The service role keeps an event that can never apply as rejected');

-- ============================================================================================
-- Clients and anonymous requests
-- ============================================================================================
select tests.act_as_client('e@pgtap.test');

select is(portal_checkout_session('cs_tap_late') ->> 'status', 'failed', 'Client E reads its own session''s state');
select throws_ok($$ select reject_stripe_event('{"id": "evt_tap_x"}', 'x') $$, '42501', null,
  'Client E cannot reject Stripe events');

select tests.act_as_client('f@pgtap.test');
select throws_ok($$ select portal_checkout_session('cs_tap_late') $$, 'P0002', null,
  'Client F cannot read client E''s session');

select tests.act_as_anon();
select throws_ok($$ select nextval('public.payment_receipt_numbers') $$, '42501', null,
  'Anonymous requests cannot draw receipt numbers');

select * from finish();
rollback;
