-- What the database keeps true by itself: totals, amounts paid, history, no double booking,
-- and "overdue" decided in the business's time zone.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(21);

insert into public.clients (id, name, email, portal_access) values
  ('a0000000-0000-4000-8000-000000000000', 'Client A', 'a@tap.test', true);
insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency) values
  ('a0000000-0000-4000-8001-000000000001', 'a0000000-0000-4000-8000-000000000000', 'T-1', 'draft',
   current_date - 10, current_date, 'USD');

-- Totals ---------------------------------------------------------------------------------------
insert into public.invoice_items (invoice_id, description, quantity, unit_price, tax_rate) values
  ('a0000000-0000-4000-8001-000000000001', 'Design', 2, 15000, 20),
  ('a0000000-0000-4000-8001-000000000001', 'Hosting', 1.5, 1001, 0);
select results_eq($$ select subtotal, tax_total, total from public.invoices where number = 'T-1' $$,
  $$ values (31502::bigint, 6000::bigint, 37502::bigint) $$,
  'Inserting items sets subtotal, tax and total (quantities and tax rounded per line)');
update public.invoice_items set unit_price = 20000 where description = 'Design';
select is((select total from public.invoices where number = 'T-1'), 49502::bigint,
  'Updating an item recomputes the total');
delete from public.invoice_items where description = 'Design';
select is((select total from public.invoices where number = 'T-1'), 1502::bigint,
  'Deleting an item recomputes the total');
delete from public.invoice_items;
select is((select total from public.invoices where number = 'T-1'), 0::bigint,
  'An invoice without items totals zero');
insert into public.invoice_items (invoice_id, description, unit_price)
select 'a0000000-0000-4000-8001-000000000001', 'Line ' || n, 100 from generate_series(1, 500) n;
select is((select total from public.invoices where number = 'T-1'), 50000::bigint,
  'A bulk insert of 500 items is totalled once per statement');

-- Sending, payments, refunds ------------------------------------------------------------------
update public.invoices set status = 'sent' where number = 'T-1';
select is((select count(*)::int from public.activity where client_id = 'a0000000-0000-4000-8000-000000000000' and kind = 'invoice_sent'), 1,
  'Sending an invoice records it in the client''s activity');
select isnt((select sent_at from public.invoices where number = 'T-1'), null, 'Sending stamps sent_at');
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id)
values ('a0000000-0000-4000-8001-000000000001', 20000, 'USD', 'pi_tap_1');
select results_eq($$ select amount_paid, amount_due, paid_at is null from public.invoices where number = 'T-1' $$,
  $$ values (20000::bigint, 30000::bigint, true) $$, 'A partial payment reduces the amount due');
select is((select client_id from public.payments where stripe_payment_intent_id = 'pi_tap_1'),
  'a0000000-0000-4000-8000-000000000000'::uuid, 'A payment takes its invoice''s client');
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id)
values ('a0000000-0000-4000-8001-000000000001', 30000, 'USD', 'pi_tap_2');
select results_eq($$ select amount_due, paid_at is not null from public.invoices where number = 'T-1' $$,
  $$ values (0::bigint, true) $$, 'Paying the rest leaves nothing due and stamps paid_at');
update public.payments set amount_refunded = 5000, status = 'partially_refunded'
 where stripe_payment_intent_id = 'pi_tap_2';
select results_eq($$ select amount_due, paid_at is null from public.invoices where number = 'T-1' $$,
  $$ values (5000::bigint, true) $$, 'A refund restores the amount due');
select is((select count(*)::int from public.activity where client_id = 'a0000000-0000-4000-8000-000000000000' and kind = 'payment_refunded'), 1,
  'A refund appears in the client''s activity');
select is((select count(*)::int from public.activity where client_id = 'a0000000-0000-4000-8000-000000000000' and kind = 'payment_received'), 2,
  'Each payment appears in the client''s activity');
select throws_ok($$ insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id)
                    values ('a0000000-0000-4000-8001-000000000001', 1, 'USD', 'pi_tap_1') $$, '23505', null,
  'A PaymentIntent is recorded once');
select throws_ok($$ update public.payments set amount_refunded = amount + 1 where stripe_payment_intent_id = 'pi_tap_1' $$,
  '23514', null, 'A refund cannot exceed the payment');

-- Overdue in the business's time zone ---------------------------------------------------------
update public.settings set time_zone = 'Pacific/Kiritimati';  -- UTC+14: already tomorrow there
select is(private.business_today(), (now() at time zone 'Pacific/Kiritimati')::date,
  'Today is the business''s date, not the server''s');
select throws_ok($$ update public.settings set time_zone = 'Mars/Olympus_Mons' $$, '23514', null,
  'An unknown time zone is refused');
select throws_ok($$ update public.settings set brand_primary = 'red;}body{display:none' $$, '23514', null,
  'A brand colour must be #rrggbb: nothing can be injected into CSS');

-- No double booking ---------------------------------------------------------------------------
insert into public.booking_links (id, slug, title, duration_minutes, buffer_minutes) values
  ('e0000000-0000-4000-8003-000000000001', 'tap-call', 'Call', 30, 15);
insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until) values
  ('e0000000-0000-4000-8003-000000000001', 'a0000000-0000-4000-8000-000000000000',
   '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('e0000000-0000-4000-8003-000000000001', 'a0000000-0000-4000-8000-000000000000',
                            '2030-01-07 10:30Z', '2030-01-07 11:00Z', '2030-01-07 11:15Z') $$,
  '23P01', null, 'A booking inside the previous one''s buffer is refused');
update public.bookings set status = 'cancelled', cancelled_at = now();
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                   values ('e0000000-0000-4000-8003-000000000001', 'a0000000-0000-4000-8000-000000000000',
                           '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z') $$,
  'A cancelled booking frees its slot');
select is((select array_agg(kind::text order by id) from public.activity where client_id = 'a0000000-0000-4000-8000-000000000000' and kind::text like 'booking%'),
  array['booking_made', 'booking_cancelled', 'booking_made'], 'Bookings and cancellations appear in activity');

select * from finish();
rollback;
