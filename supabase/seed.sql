-- Demo data for the embedded default (`make run`) and `supabase db reset`.
-- Dates are relative to today so the demo always has current, overdue and expired documents.
-- Sign in as ada@example.com, grace@example.com or elodie@example.com; alan@example.com has no
-- portal access.

update public.settings
   set business_name = 'Northwind Studio',
       brand_primary = '#1f4b99',
       brand_accent = '#f2a900',
       contact_email = 'hello@northwind.example',
       contact_phone = '+1 555 010 0000',
       address_line1 = '12 Harbour Street',
       city = 'Portland',
       region = 'ME',
       postal_code = '04101',
       country = 'United States',
       time_zone = 'America/New_York',
       default_currency = 'USD',
       portal_base_url = 'http://127.0.0.1:5000';

insert into public.clients (id, name, email, phone, address_line1, city, postal_code, country, portal_access)
values
  ('00000000-0000-4000-8000-00000000000a', 'Ada Lovelace', 'ada@example.com', '+1 555 010 1001',
   '1 Analytical Way', 'London', 'N1 7AA', 'United Kingdom', true),
  ('00000000-0000-4000-8000-00000000000b', 'Grace Hopper', 'grace@example.com', '+1 555 010 1002',
   '2 Compiler Court', 'Arlington', '22201', 'United States', true),
  ('00000000-0000-4000-8000-00000000000c', 'Élodie Durand', 'elodie@example.com', '+33 1 23 45 67 89',
   '3 rue de Rivoli', 'Paris', '75001', 'France', true),
  ('00000000-0000-4000-8000-00000000000d', 'Alan Turing', 'alan@example.com', null,
   '4 Bletchley Park', 'Milton Keynes', 'MK3 6EB', 'United Kingdom', false);

-- Invoices: paid, partly paid, overdue, unpaid in EUR, draft (hidden), void, archived (hidden).
insert into public.invoices (id, client_id, number, status, issue_date, due_date, currency, notes, archived)
values
  ('00000000-0000-4000-8001-000000000001', '00000000-0000-4000-8000-00000000000a', 'INV-0001', 'sent',
   current_date - 60, current_date - 30, 'USD', 'Thank you for your business.', false),
  ('00000000-0000-4000-8001-000000000002', '00000000-0000-4000-8000-00000000000a', 'INV-0002', 'sent',
   current_date - 10, current_date + 20, 'USD', null, false),
  ('00000000-0000-4000-8001-000000000003', '00000000-0000-4000-8000-00000000000a', 'INV-0003', 'sent',
   current_date - 45, current_date - 15, 'USD', 'Payment is overdue.', false),
  ('00000000-0000-4000-8001-000000000004', '00000000-0000-4000-8000-00000000000a', 'INV-0004', 'sent',
   current_date - 5, current_date + 25, 'EUR', null, false),
  ('00000000-0000-4000-8001-000000000005', '00000000-0000-4000-8000-00000000000a', 'INV-0005', 'draft',
   current_date, current_date + 30, 'USD', null, false),
  ('00000000-0000-4000-8001-000000000006', '00000000-0000-4000-8000-00000000000a', 'INV-0006', 'void',
   current_date - 90, current_date - 60, 'USD', 'Issued in error.', false),
  ('00000000-0000-4000-8001-000000000007', '00000000-0000-4000-8000-00000000000a', 'INV-0007', 'sent',
   current_date - 400, current_date - 370, 'USD', null, true),
  ('00000000-0000-4000-8001-000000000010', '00000000-0000-4000-8000-00000000000b', 'INV-0010', 'sent',
   current_date - 40, current_date - 10, 'USD', null, false),
  ('00000000-0000-4000-8001-000000000011', '00000000-0000-4000-8000-00000000000b', 'INV-0011', 'sent',
   current_date - 20, current_date + 10, 'USD', null, false),
  ('00000000-0000-4000-8001-000000000020', '00000000-0000-4000-8000-00000000000c', 'INV-0020', 'sent',
   current_date - 3, current_date + 27, 'EUR', 'Merci !', false),
  ('00000000-0000-4000-8001-000000000030', '00000000-0000-4000-8000-00000000000d', 'INV-0030', 'sent',
   current_date - 3, current_date + 27, 'USD', null, false);

insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate)
values
  ('00000000-0000-4000-8001-000000000001', 1, 'Brand workshop (half day)', 1, 120000, 0),
  ('00000000-0000-4000-8001-000000000001', 2, 'Logo concepts', 3, 25000, 0),
  ('00000000-0000-4000-8001-000000000002', 1, 'Website design', 1, 300000, 10),
  ('00000000-0000-4000-8001-000000000002', 2, 'Content migration (hours)', 12, 8500, 10),
  ('00000000-0000-4000-8001-000000000003', 1, 'Monthly retainer', 1, 90000, 0),
  ('00000000-0000-4000-8001-000000000004', 1, 'Traduction française', 1, 45000, 20),
  ('00000000-0000-4000-8001-000000000005', 1, 'Next month''s retainer', 1, 90000, 0),
  ('00000000-0000-4000-8001-000000000006', 1, 'Duplicate retainer', 1, 90000, 0),
  ('00000000-0000-4000-8001-000000000007', 1, 'Old project', 1, 50000, 0),
  ('00000000-0000-4000-8001-000000000010', 1, 'Consulting (hours)', 6, 15000, 0),
  ('00000000-0000-4000-8001-000000000011', 1, 'Code review', 1, 60000, 0),
  ('00000000-0000-4000-8001-000000000020', 1, 'Identité visuelle', 1, 180000, 20),
  ('00000000-0000-4000-8001-000000000020', 2, 'Cartes de visite (×500)', 1, 9000, 20),
  ('00000000-0000-4000-8001-000000000030', 1, 'Cipher consultation', 1, 40000, 0);

insert into public.payments (invoice_id, amount, currency, method, paid_at)
values
  ('00000000-0000-4000-8001-000000000001', 195000, 'USD', 'bank_transfer', now() - interval '40 days'),
  ('00000000-0000-4000-8001-000000000002', 100000, 'USD', 'card', now() - interval '5 days'),
  ('00000000-0000-4000-8001-000000000007', 50000, 'USD', 'card', now() - interval '380 days'),
  ('00000000-0000-4000-8001-000000000011', 60000, 'USD', 'card', now() - interval '2 days');

-- Quotes: pending, accepted, rejected, expired, draft (hidden).
insert into public.quotes (id, client_id, number, status, issue_date, valid_until, currency,
                           accepted_at, accepted_by, rejected_at, rejected_by, rejection_reason, notes)
values
  ('00000000-0000-4000-8002-000000000001', '00000000-0000-4000-8000-00000000000a', 'Q-0001', 'sent',
   current_date - 2, current_date + 28, 'USD', null, null, null, null, null, 'Phase two of the website.'),
  ('00000000-0000-4000-8002-000000000002', '00000000-0000-4000-8000-00000000000a', 'Q-0002', 'accepted',
   current_date - 70, current_date - 40, 'USD', now() - interval '65 days', 'Ada Lovelace', null, null, null, null),
  ('00000000-0000-4000-8002-000000000003', '00000000-0000-4000-8000-00000000000a', 'Q-0003', 'rejected',
   current_date - 50, current_date - 20, 'USD', null, null, now() - interval '48 days', 'Ada Lovelace',
   'Out of budget this quarter.', null),
  ('00000000-0000-4000-8002-000000000004', '00000000-0000-4000-8000-00000000000a', 'Q-0004', 'sent',
   current_date - 60, current_date - 30, 'USD', null, null, null, null, null, null),
  ('00000000-0000-4000-8002-000000000005', '00000000-0000-4000-8000-00000000000a', 'Q-0005', 'draft',
   current_date, current_date + 30, 'USD', null, null, null, null, null, null),
  ('00000000-0000-4000-8002-000000000010', '00000000-0000-4000-8000-00000000000b', 'Q-0010', 'sent',
   current_date - 1, current_date + 14, 'USD', null, null, null, null, null, null),
  ('00000000-0000-4000-8002-000000000020', '00000000-0000-4000-8000-00000000000c', 'Q-0020', 'sent',
   current_date - 1, current_date + 14, 'EUR', null, null, null, null, null, 'Devis pour la refonte.');

insert into public.quote_items (quote_id, position, description, quantity, unit_price, tax_rate)
values
  ('00000000-0000-4000-8002-000000000001', 1, 'E-commerce module', 1, 450000, 10),
  ('00000000-0000-4000-8002-000000000001', 2, 'Training session', 2, 30000, 10),
  ('00000000-0000-4000-8002-000000000002', 1, 'Website design', 1, 300000, 10),
  ('00000000-0000-4000-8002-000000000003', 1, 'Video production', 1, 800000, 0),
  ('00000000-0000-4000-8002-000000000004', 1, 'Photography day', 1, 150000, 0),
  ('00000000-0000-4000-8002-000000000005', 1, 'Annual retainer', 12, 90000, 0),
  ('00000000-0000-4000-8002-000000000010', 1, 'Security audit', 1, 250000, 0),
  ('00000000-0000-4000-8002-000000000020', 1, 'Refonte du site', 1, 520000, 20);

-- Booking: a native link with weekday windows, and an external scheduling page.
insert into public.booking_links (id, slug, title, description, kind, external_url,
                                  duration_minutes, buffer_minutes, min_notice_minutes, horizon_days, position)
values
  ('00000000-0000-4000-8003-000000000001', 'intro-call', 'Introductory call',
   'A 30-minute video call to talk about your project.', 'native', null, 30, 10, 120, 21, 1),
  ('00000000-0000-4000-8003-000000000002', 'site-visit', 'On-site visit',
   'Book a visit through our scheduling page.', 'external', 'https://cal.com/northwind/site-visit',
   60, 0, 1440, 30, 2);
-- The video call's link: shown on the confirmation, in the email and in the .ics.
update public.booking_links set meeting_url = 'https://meet.example.com/northwind-intro'
 where slug = 'intro-call';

insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select '00000000-0000-4000-8003-000000000001', d, w.starts_at, w.ends_at
  from generate_series(1, 5) d,
       (values (time '09:00', time '12:00'), (time '13:00', time '17:00')) w(starts_at, ends_at);

-- The triggers stamped the demo's history with today's time; date it as it would have happened.
update public.activity a
   set at = coalesce(
         case a.kind
           when 'invoice_sent' then (select i.issue_date::timestamptz + interval '9 hours'
                                       from public.invoices i where i.id = a.subject_id)
           when 'payment_received' then (select p.paid_at from public.payments p
                                          where p.id = (a.details ->> 'payment_id')::uuid)
           when 'quote_sent' then (select q.issue_date::timestamptz + interval '9 hours'
                                     from public.quotes q where q.id = a.subject_id)
           when 'quote_accepted' then (select q.accepted_at from public.quotes q where q.id = a.subject_id)
           when 'quote_rejected' then (select q.rejected_at from public.quotes q where q.id = a.subject_id)
         end, a.at);
update public.invoices i set sent_at = i.issue_date::timestamptz + interval '9 hours' where i.status <> 'draft';
update public.quotes q set sent_at = q.issue_date::timestamptz + interval '9 hours' where q.status <> 'draft';

-- Pay your way: clients may pay part of an invoice, at least $50.00.
update public.settings set partial_payments = true, partial_payment_minimum = 5000;
