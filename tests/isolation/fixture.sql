-- Two clients with a row in every table a client can own, a client without portal access and an
-- archived one, plus rows in the shared and server-only tables. Loaded inside the test's
-- transaction and rolled back. A table added later needs rows here: the matrix says so.

insert into public.clients (id, name, email, phone, portal_access, archived) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'Client A', 'a@isolation.test', '+1 555 000 0001', true, false),
  ('bbbbbbbb-0000-4000-8000-000000000001', 'Client B', 'b@isolation.test', '+1 555 000 0002', true, false),
  ('cccccccc-0000-4000-8000-000000000001', 'Client C', 'c@isolation.test', null, false, false),
  ('dddddddd-0000-4000-8000-000000000001', 'Client D', 'd@isolation.test', null, true, true);

insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency) values
  ('aaaaaaaa-0000-4000-8001-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'ISO-A-1', 'sent',
   current_date - 40, current_date - 10, 'USD'),
  ('bbbbbbbb-0000-4000-8001-000000000001', 'bbbbbbbb-0000-4000-8000-000000000001', 'ISO-B-1', 'sent',
   current_date - 40, current_date - 10, 'USD'),
  ('bbbbbbbb-0000-4000-8001-000000000002', 'bbbbbbbb-0000-4000-8000-000000000001', 'ISO-B-2', 'sent',
   current_date - 5, current_date + 25, 'EUR'),
  ('bbbbbbbb-0000-4000-8001-000000000003', 'bbbbbbbb-0000-4000-8000-000000000001', 'ISO-B-3', 'draft',
   current_date, current_date + 30, 'USD'),
  ('cccccccc-0000-4000-8001-000000000001', 'cccccccc-0000-4000-8000-000000000001', 'ISO-C-1', 'sent',
   current_date - 5, current_date + 25, 'USD'),
  ('dddddddd-0000-4000-8001-000000000001', 'dddddddd-0000-4000-8000-000000000001', 'ISO-D-1', 'sent',
   current_date - 5, current_date + 25, 'USD');

insert into public.invoice_items (invoice_id, description, quantity, unit_price, tax_rate)
select i.id, 'Work for ' || i.number, 2, 10000, 10 from public.invoices i where i.number like 'ISO-%';

insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id) values
  ('aaaaaaaa-0000-4000-8001-000000000001', 5000, 'USD', 'pi_isolation_a'),
  ('bbbbbbbb-0000-4000-8001-000000000001', 5000, 'USD', 'pi_isolation_b');

-- A payment shared out by a Checkout for several invoices: a share for A and for B.
insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id) values
  ('aaaaaaaa-0000-4000-8001-000000000001', 3000, 'USD', 'pi_isolation_shared_a'),
  ('bbbbbbbb-0000-4000-8001-000000000001', 3000, 'USD', 'pi_isolation_shared_b');
insert into public.payment_shares (payment_id, invoice_id, position, amount)
select p.id, p.invoice_id, 1, p.amount from public.payments p
 where p.stripe_payment_intent_id in ('pi_isolation_shared_a', 'pi_isolation_shared_b');

-- Part of each payment goes back: a refund row for A and for B.
update public.payments set amount_refunded = 1000, status = 'partially_refunded'
 where stripe_payment_intent_id in ('pi_isolation_a', 'pi_isolation_b');

insert into public.quotes (id, client_id, number, status, issue_date, valid_until, currency) values
  ('aaaaaaaa-0000-4000-8002-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'ISO-QA-1', 'sent',
   current_date, current_date + 30, 'USD'),
  ('bbbbbbbb-0000-4000-8002-000000000001', 'bbbbbbbb-0000-4000-8000-000000000001', 'ISO-QB-1', 'sent',
   current_date, current_date + 30, 'USD'),
  ('bbbbbbbb-0000-4000-8002-000000000002', 'bbbbbbbb-0000-4000-8000-000000000001', 'ISO-QB-2', 'draft',
   current_date, current_date + 30, 'USD');

insert into public.quote_items (quote_id, description, quantity, unit_price)
select q.id, 'Proposal for ' || q.number, 1, 50000 from public.quotes q where q.number like 'ISO-Q%';

insert into public.booking_links (id, slug, title, kind, duration_minutes) values
  ('eeeeeeee-0000-4000-8003-000000000001', 'iso-call', 'Isolation call', 'native', 30),
  ('eeeeeeee-0000-4000-8003-000000000002', 'iso-hidden', 'Inactive link', 'native', 30);
update public.booking_links set active = false where slug = 'iso-hidden';

insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select l.id, d, '09:00', '17:00' from public.booking_links l, generate_series(1, 7) d
 where l.slug like 'iso-%';

insert into public.booking_blocked_dates (booking_link_id, blocked_on)
select l.id, current_date + 3 from public.booking_links l where l.slug like 'iso-%';

insert into public.bookings (id, booking_link_id, client_id, starts_at, ends_at, blocked_until, note) values
  ('aaaaaaaa-0000-4000-8004-000000000001', 'eeeeeeee-0000-4000-8003-000000000001',
   'aaaaaaaa-0000-4000-8000-000000000001', now() + interval '2 days', now() + interval '2 days 30 minutes',
   now() + interval '2 days 30 minutes', 'A''s appointment'),
  ('bbbbbbbb-0000-4000-8004-000000000001', 'eeeeeeee-0000-4000-8003-000000000001',
   'bbbbbbbb-0000-4000-8000-000000000001', now() + interval '3 days', now() + interval '3 days 30 minutes',
   now() + interval '3 days 30 minutes', 'B''s appointment');

insert into public.outbox (client_id, dedupe_key, to_email, subject, body_text) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'isolation:a', 'a@isolation.test', 'For A', 'Hello A'),
  ('bbbbbbbb-0000-4000-8000-000000000001', 'isolation:b', 'b@isolation.test', 'For B', 'Hello B');

insert into public.stripe_events (id, type, livemode, payload) values
  ('evt_isolation_1', 'checkout.session.completed', false, '{"client":"b@isolation.test"}');

update public.settings set stripe_account_id = 'acct_isolation';

insert into public.checkout_sessions (id, invoice_id, client_id, amount, currency, url, expires_at) values
  ('cs_test_isolation_a', 'aaaaaaaa-0000-4000-8001-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
   17000, 'USD', 'https://checkout.stripe.com/c/pay/cs_test_isolation_a', now() + interval '30 minutes'),
  ('cs_test_isolation_b', 'bbbbbbbb-0000-4000-8001-000000000001', 'bbbbbbbb-0000-4000-8000-000000000001',
   17000, 'USD', 'https://checkout.stripe.com/c/pay/cs_test_isolation_b', now() + interval '30 minutes');

-- Account settings are per person (keyed by the signed-in email) and tied to their client.
insert into public.account_preferences (email, client_id, language, time_zone, invoice_reminders) values
  ('a@isolation.test', 'aaaaaaaa-0000-4000-8000-000000000001', 'fr', 'Europe/Paris', false),
  ('b@isolation.test', 'bbbbbbbb-0000-4000-8000-000000000001', 'de', 'Europe/Berlin', false),
  ('c@isolation.test', 'cccccccc-0000-4000-8000-000000000001', 'es', null, true),
  ('d@isolation.test', 'dddddddd-0000-4000-8000-000000000001', 'en', null, true);

-- Client A's people besides its owner (made with the client), one per role; and one more of B.
insert into public.contacts (client_id, email, name, role) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a-billing@isolation.test', 'A Billing', 'billing'),
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a-approver@isolation.test', 'A Approver', 'approver'),
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a-viewer@isolation.test', 'A Viewer', 'viewer'),
  ('bbbbbbbb-0000-4000-8000-000000000001', 'b-viewer@isolation.test', 'B Viewer', 'viewer');
