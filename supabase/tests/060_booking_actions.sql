-- Booking and cancelling, by actor: what book_slot, cancel_booking, portal_booking(s) do for
-- client A, what client B, a client without portal access and anonymous requests get, what the
-- service role and an administrator may write directly, and what each booking leaves behind
-- (history, outbox email with its calendar file). Times are relative to now().
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(55);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql. This file's own, local to its transaction:
/** A local wall-clock time, `p_days` business days from today, as an instant. */
create function tests.at(p_days integer, p_time time) returns timestamptz
language sql as $$
  select ((now() at time zone s.time_zone)::date + p_days + p_time) at time zone s.time_zone
    from public.settings s
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Fixtures --------------------------------------------------------------------------------------
set local timezone = 'UTC';
update public.settings
   set time_zone = 'Europe/Paris', business_name = 'Book & Co', contact_email = 'hello@book.test',
       portal_base_url = 'https://portal.book.test';
insert into public.clients (id, name, email, portal_access, archived) values
  ('aaaaaaaa-0000-4000-8000-000000000061', 'Ada Book', 'a@book.test', true, false),
  ('bbbbbbbb-0000-4000-8000-000000000061', 'Bea Book', 'b@book.test', true, false),
  ('cccccccc-0000-4000-8000-000000000061', 'Cy Book', 'c@book.test', false, false);
-- 45-minute appointments on every day, 08:00-18:00, with 3 hours' notice; an external link; a
-- retired one.
insert into public.booking_links (id, slug, title, kind, external_url, duration_minutes, buffer_minutes,
                                  min_notice_minutes, horizon_days, active) values
  ('eeeeeeee-0061-4000-8000-000000000001', 'book-review', 'Design review', 'native', null, 45, 15, 180, 30, true),
  ('eeeeeeee-0061-4000-8000-000000000002', 'book-elsewhere', 'Elsewhere', 'external', 'https://cal.example/x', 30, 0, 0, 30, true),
  ('eeeeeeee-0061-4000-8000-000000000003', 'book-retired', 'Retired', 'native', null, 30, 0, 0, 30, false);
insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select l, d, '08:00', '18:00' from generate_series(1, 7) d,
       unnest(array['eeeeeeee-0061-4000-8000-000000000001', 'eeeeeeee-0061-4000-8000-000000000003']::uuid[]) l;
-- Appointments an administrator recorded for A: one starting within the notice, one yesterday.
insert into public.bookings (id, booking_link_id, client_id, starts_at) values
  ('aaaaaaaa-0061-4000-8000-000000000001', 'eeeeeeee-0061-4000-8000-000000000001',
   'aaaaaaaa-0000-4000-8000-000000000061', date_trunc('minute', now()) + interval '1 hour'),
  ('aaaaaaaa-0061-4000-8000-000000000002', 'eeeeeeee-0061-4000-8000-000000000001',
   'aaaaaaaa-0000-4000-8000-000000000061', date_trunc('minute', now()) - interval '1 day');

-- ============================================================================================
-- Administrator (table owner): outside the windows, never over another booking
-- ============================================================================================
select results_eq(
  $$ select ends_at - starts_at, blocked_until - ends_at, title, min_notice_minutes from public.bookings
      where id = 'aaaaaaaa-0061-4000-8000-000000000001' $$,
  $$ values (interval '45 minutes', interval '15 minutes', 'Design review'::text, 180) $$,
  'An administrator''s booking gets the link''s duration, buffer, title and notice');
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at)
                   values ('eeeeeeee-0061-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000061',
                           tests.at(3, '21:00')) $$,
  'An administrator may book outside the windows (an evening appointment)');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at)
                    values ('eeeeeeee-0061-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000061',
                            tests.at(3, '21:30')) $$,
  '23P01', null, 'An administrator cannot book over another appointment either');
select is_empty($$ select from public.outbox where client_id = 'aaaaaaaa-0000-4000-8000-000000000061'
                    and dedupe_key = 'booking_confirmation:aaaaaaaa-0061-4000-8000-000000000002' $$,
  'No email is sent about an appointment recorded in the past');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@book.test');

select is((book_slot('book-review', tests.at(2, '09:30'), E'  Bring the sketches;\r\nand the budget, please.  ') -> 'status'),
  '"confirmed"'::jsonb, 'Client A books a slot two days ahead');
select results_eq(
  $$ select title, note, ends_at - starts_at, status::text from public.bookings where starts_at = tests.at(2, '09:30') $$,
  $$ values ('Design review'::text, E'Bring the sketches;\nand the budget, please.'::text, interval '45 minutes', 'confirmed'::text) $$,
  'The booking holds the link''s title and duration and the note, trimmed, with plain line breaks');
select is((select count(*)::int from public.activity
            where subject_type = 'booking' and kind = 'booking_made' and actor = 'client'
              and subject_id = (select id from public.bookings where starts_at = tests.at(2, '09:30'))), 1,
  'Booking is in client A''s history, done by the client');
select throws_ok(format('select book_slot(%L, %L, %L)', 'book-review', tests.at(2, '14:00'), repeat('x', 1001)),
  '22023', 'Your note can be at most 1000 characters.', 'A note longer than 1000 characters is refused');
select throws_ok(format('select book_slot(%L, %L)', 'book-elsewhere', tests.at(2, '09:30')),
  '22023', 'This appointment is booked on an external page.', 'An external link is not booked here');
select throws_ok(format('select available_slots(%L)', 'book-elsewhere'),
  '22023', 'This appointment is booked on an external page.', 'An external link has no slots here');
select throws_ok(format('select book_slot(%L, %L)', 'book-retired', tests.at(2, '09:30')),
  'P0002', 'Booking link not found.', 'A retired link cannot be booked');
select throws_ok(format('select available_slots(%L)', 'book-retired'),
  'P0002', 'Booking link not found.', 'A retired link has no slots');
select throws_ok(format('select book_slot(%L, null)', 'book-review'),
  '22023', 'Choose a time.', 'Booking needs a time');

select results_eq(
  $$ select x ->> 'title', (x ->> 'cancellable')::boolean from jsonb_array_elements(portal_bookings() -> 'upcoming') x $$,
  $$ values ('Design review'::text, false), ('Design review', true) $$,
  'Client A''s upcoming appointments, soonest first: the one within the notice cannot be cancelled');
select results_eq(
  $$ select x ->> 'id' from jsonb_array_elements(portal_bookings() -> 'past') x $$,
  $$ values ('aaaaaaaa-0061-4000-8000-000000000002'::text) $$,
  'Client A''s past appointments');
select is(portal_bookings() ->> 'time_zone', 'Europe/Paris', 'The list says which time zone to show times in');
select is((portal_booking('aaaaaaaa-0061-4000-8000-000000000001') ->> 'cancellable_until')::timestamptz,
  date_trunc('minute', now()) + interval '1 hour' - interval '3 hours',
  'An appointment says until when it can be cancelled: its notice before the start');

select throws_ok($$ select cancel_booking('aaaaaaaa-0061-4000-8000-000000000001') $$,
  '55000', 'Appointments can be cancelled online up to 3 hours before they start. Please contact Book & Co about this one.',
  'An appointment within the notice cannot be cancelled online');
select throws_ok($$ select cancel_booking('aaaaaaaa-0061-4000-8000-000000000002') $$,
  '55000', 'This appointment has already started and can no longer be cancelled.',
  'A past appointment cannot be cancelled');
select is((cancel_booking((select id from public.bookings where starts_at = tests.at(2, '09:30'))) ->> 'status'),
  'cancelled', 'Client A cancels its upcoming appointment');
select throws_ok(format('select cancel_booking(%L)', (select id from public.bookings where starts_at = tests.at(2, '09:30'))),
  '55000', 'This appointment was already cancelled.', 'Cancelling twice says it was already cancelled');
select ok(exists (select from jsonb_array_elements(available_slots('book-review', (now() at time zone 'Europe/Paris')::date + 2, 1) -> 'days' -> 0 -> 'slots') s
                   where (s ->> 'starts_at')::timestamptz = tests.at(2, '09:30')),
  'A cancelled appointment''s time is offered again');
select is((select count(*)::int from public.activity
            where kind = 'booking_cancelled' and actor = 'client'
              and subject_id = (select id from public.bookings where starts_at = tests.at(2, '09:30'))), 1,
  'Cancelling is in client A''s history, done by the client');
select results_eq(
  $$ select x ->> 'status' from jsonb_array_elements(portal_bookings() -> 'past') x $$,
  $$ values ('cancelled'::text), ('confirmed') $$,
  'A cancelled appointment moves to the past list (latest first)');
select ok(portal_booking((select id from public.bookings where starts_at = tests.at(2, '09:30'))) ->> 'ics'
            ~ E'\r\nSTATUS:CANCELLED\r\nSEQUENCE:1\r\n',
  'The calendar file of a cancelled appointment says it is cancelled, superseding the first one');

select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at)
                    values ('eeeeeeee-0061-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000061', tests.at(4, '10:00')) $$,
  '42501', null, 'Client A cannot book by writing the table');
select throws_ok($$ update public.bookings set status = 'cancelled' where id = 'aaaaaaaa-0061-4000-8000-000000000001' $$,
  '42501', null, 'Client A cannot cancel by writing the table (the notice would be skipped)');
select lives_ok(format('select book_slot(%L, %L)', 'book-review', tests.at(5, '15:30')),
  'Client A books again, five days ahead');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.act_as_client('b@book.test');

select throws_ok(format('select book_slot(%L, %L)', 'book-review', tests.at(5, '15:30')),
  '23P01', 'This time is no longer available. Please choose another.', 'Client B cannot take client A''s time');
select ok(not exists (select from jsonb_array_elements(available_slots('book-review', (now() at time zone 'Europe/Paris')::date + 5, 1) -> 'days' -> 0 -> 'slots') s
                       where (s ->> 'starts_at')::timestamptz = tests.at(5, '15:30')),
  'Client B is not offered client A''s time');
select ok(available_slots('book-review', (now() at time zone 'Europe/Paris')::date + 5, 1)::text !~ 'Ada|a@book.test',
  'The slots never say who booked');
select throws_ok($$ select portal_booking('aaaaaaaa-0061-4000-8000-000000000001') $$,
  'P0002', 'Appointment not found.', 'Client B cannot read client A''s appointment');
select throws_ok($$ select cancel_booking('aaaaaaaa-0061-4000-8000-000000000001') $$,
  'P0002', 'Appointment not found.', 'Client B cannot cancel client A''s appointment: it is not found');
select throws_ok(format('select cancel_booking(%L)', gen_random_uuid()),
  'P0002', 'Appointment not found.', 'A missing appointment reads the same');
select results_eq($$ select x ->> 'starts_at' from jsonb_array_elements(portal_bookings() -> 'upcoming') x $$,
  $$ select to_jsonb(tests.at(3, '21:00')) #>> '{}' $$,
  'Client B lists only its own appointment (the administrator''s evening one)');
select is(portal_bookings() -> 'past', '[]'::jsonb, 'Client B has no past appointment');

-- ============================================================================================
-- A client without portal access, anonymous requests
-- ============================================================================================
select tests.act_as_client('c@book.test');

select throws_ok($$ select available_slots('book-review') $$, 'P0002', 'Booking link not found.',
  'A client without portal access sees no slots');
select throws_ok(format('select book_slot(%L, %L)', 'book-review', tests.at(6, '11:00')),
  'P0002', 'Booking link not found.', 'A client without portal access cannot book');
select is(portal_bookings() -> 'upcoming', '[]'::jsonb, 'A client without portal access lists nothing');

select tests.act_as_anon();
select throws_ok($$ select available_slots('book-review') $$, '42501', null, 'Anonymous requests cannot see slots');
select throws_ok(format('select book_slot(%L, %L)', 'book-review', now() + interval '6 days'),
  '42501', null, 'Anonymous requests cannot book');
select throws_ok($$ select cancel_booking('aaaaaaaa-0061-4000-8000-000000000001') $$, '42501', null,
  'Anonymous requests cannot cancel');

-- ============================================================================================
-- Service role: held to the same rules as a client
-- ============================================================================================
select tests.act_as_service_role();

select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at)
                    values ('eeeeeeee-0061-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000061', tests.at(6, '07:00')) $$,
  '22023', 'That time is not one of the available times. Please choose another.',
  'The service role cannot book outside the windows');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at)
                    values ('eeeeeeee-0061-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000061',
                            tests.at(6, '11:00'), tests.at(6, '13:00')) $$,
  '22023', 'This appointment lasts 45 minutes.', 'The service role cannot stretch an appointment');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at)
                    values ('eeeeeeee-0061-4000-8000-000000000003', 'bbbbbbbb-0000-4000-8000-000000000061', tests.at(6, '11:00')) $$,
  '55000', 'This booking link is not open for booking.', 'The service role cannot book a retired link');
select results_eq(
  $$ insert into public.bookings (booking_link_id, client_id, starts_at, blocked_until, title)
     values ('eeeeeeee-0061-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000061', tests.at(6, '11:00'),
             tests.at(6, '11:00'), 'Free lunch')
     returning ends_at - starts_at, blocked_until - ends_at, title $$,
  $$ values (interval '45 minutes', interval '15 minutes', 'Design review'::text) $$,
  'A service booking in a slot gets the link''s duration, buffer and title, whatever it sent');
select throws_ok($$ update public.bookings set starts_at = starts_at + interval '1 hour'
                    where id = 'aaaaaaaa-0061-4000-8000-000000000001' $$,
  '55000', 'An appointment cannot be changed, only cancelled.', 'The service role cannot move an appointment');
select throws_ok($$ update public.bookings set status = 'cancelled' where id = 'aaaaaaaa-0061-4000-8000-000000000001' $$,
  '55000', 'Appointments can be cancelled online up to 3 hours before they start. Please contact Book & Co about this one.',
  'The service role cannot cancel within the notice either');
select throws_ok($$ update public.bookings set status = 'confirmed'
                    where client_id = 'aaaaaaaa-0000-4000-8000-000000000061' and status = 'cancelled' $$,
  '55000', 'A cancelled appointment cannot be restored. Please book a new time.',
  'The service role cannot restore a cancelled appointment');

-- ============================================================================================
-- What was left behind: emails in the outbox, with the calendar file
-- ============================================================================================
select tests.act_as_owner();

-- The email is queued as a kind and a context; its words come from app/templates/email/ (the
-- Python tests render them).
select results_eq(
  $$ select o.to_email, o.kind, o.subject, o.context ->> 'title', (o.context ->> 'starts_at')::timestamptz,
            o.context ->> 'time_zone'
       from public.outbox o
      where o.dedupe_key = 'booking_confirmation:' || (select id from public.bookings where starts_at = tests.at(2, '09:30')) $$,
  $$ select 'a@book.test'::text, 'booking_confirmation'::text, null::text, 'Design review'::text,
            tests.at(2, '09:30'), 'Europe/Paris'::text $$,
  'Booking put a confirmation email to client A in the outbox: a kind, and a context with the instant and the business''s zone');
select ok((select o.context ->> 'note' = E'Bring the sketches;\nand the budget, please.'
                  and (o.context ->> 'cancellable_until')::timestamptz < tests.at(2, '09:30')
                  and o.body_text is null
             from public.outbox o
            where o.dedupe_key = 'booking_confirmation:' || (select id from public.bookings where starts_at = tests.at(2, '09:30'))),
  'The context holds the note and until when it can be cancelled; no text is written in SQL');
select is((select (o.attachments -> 0) - 'content' from public.outbox o
            where o.dedupe_key = 'booking_confirmation:' || (select id from public.bookings where starts_at = tests.at(2, '09:30'))),
  '{"filename": "appointment.ics", "content_type": "text/calendar"}'::jsonb,
  'The email carries the appointment as appointment.ics');
select ok((select starts_with(ics, E'BEGIN:VCALENDAR\r\n')
                  and strpos(ics, E'\r\nDTSTART:' || to_char(tests.at(2, '09:30') at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') || E'\r\n') > 0
                  and strpos(ics, E'\r\nSUMMARY:Design review with Book & Co\r\n') > 0
                  and strpos(replace(ics, E'\r\n ', ''), 'Your note: Bring the sketches\;\nand the budget\, please.') > 0
             from public.outbox o, lateral (select o.attachments -> 0 ->> 'content' as ics) a
            where o.dedupe_key = 'booking_confirmation:' || (select id from public.bookings where starts_at = tests.at(2, '09:30'))),
  'The calendar file starts the event at the booked instant in UTC and escapes the note');
select is((select count(*)::int from public.outbox o
            where o.dedupe_key = 'booking_cancellation:' || (select id from public.bookings where starts_at = tests.at(2, '09:30'))
              and o.kind = 'booking_cancellation'
              and o.attachments -> 0 ->> 'content_type' = 'text/calendar; method=CANCEL'
              and strpos(o.attachments -> 0 ->> 'content', E'\r\nMETHOD:CANCEL\r\n') > 0
              and strpos(o.attachments -> 0 ->> 'content', E'\r\nSTATUS:CANCELLED\r\n') > 0),
  1, 'Cancelling put a cancellation email in the outbox, whose calendar file cancels the event');
select is((select count(*)::int from public.outbox o where o.dedupe_key like 'booking_%'
              and o.client_id = 'bbbbbbbb-0000-4000-8000-000000000061'), 2,
  'Refused bookings left no email behind: client B has only its two real appointments'' confirmations');

select * from finish();
rollback;
