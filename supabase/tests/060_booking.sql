-- Booking: links, their weekly windows and blocked dates, and appointments. Two confirmed
-- appointments of one link never overlap, the buffer after each included (an exclusion
-- constraint on [starts_at, blocked_until)); cancelled ones block nothing. Clients read; the
-- server writes.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(61);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql.

-- Fixtures: clients A and B with portal access, C without, D archived -------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'UTC', business_name = 'Tap Studio', stripe_account_id = 'acct_tap123';
select tests.create_clients();  -- A and B with portal access, C without, D archived

insert into public.booking_links (id, slug, title, kind, external_url, duration_minutes, buffer_minutes, active, position) values
  ('eeeeeeee-0003-4000-8000-000000000001', 'tap-call', 'Tap call', 'native', null, 30, 15, true, 1),
  ('eeeeeeee-0003-4000-8000-000000000002', 'tap-visit', 'Tap visit', 'external', 'https://cal.example/tap', 60, 0, true, 2),
  ('eeeeeeee-0003-4000-8000-000000000003', 'tap-retired', 'Tap retired', 'native', null, 30, 0, false, 3);
insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at) values
  ('eeeeeeee-0003-4000-8000-000000000001', 1, '09:00', '12:00'),
  ('eeeeeeee-0003-4000-8000-000000000001', 2, '13:00', '17:00'),
  ('eeeeeeee-0003-4000-8000-000000000003', 1, '09:00', '12:00');
insert into public.booking_blocked_dates (booking_link_id, blocked_on, reason) values
  ('eeeeeeee-0003-4000-8000-000000000001', '2030-01-01', 'New Year'),
  ('eeeeeeee-0003-4000-8000-000000000003', '2030-01-02', 'Retired');
insert into public.bookings (id, booking_link_id, client_id, starts_at, ends_at, blocked_until) values
  ('aaaaaaaa-0005-4000-8000-000000000001', 'eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
   '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z'),
  ('bbbbbbbb-0005-4000-8000-000000000001', 'eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
   '2030-01-07 14:00Z', '2030-01-07 14:30Z', '2030-01-07 14:45Z'),
  ('cccccccc-0005-4000-8000-000000000001', 'eeeeeeee-0003-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000',
   '2030-01-08 14:00Z', '2030-01-08 14:30Z', '2030-01-08 14:45Z'),
  ('dddddddd-0005-4000-8000-000000000001', 'eeeeeeee-0003-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000',
   '2030-01-08 15:00Z', '2030-01-08 15:30Z', '2030-01-08 15:45Z');

-- ============================================================================================
-- Administrator (table owner): no double booking
-- ============================================================================================
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                            '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z') $$,
  '23P01', null, 'The same slot of a link cannot be booked twice, whoever books it');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
                            '2030-01-07 10:15Z', '2030-01-07 10:45Z', '2030-01-07 11:00Z') $$,
  '23P01', null, 'An appointment overlapping another one is refused');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                            '2030-01-07 10:30Z', '2030-01-07 11:00Z', '2030-01-07 11:15Z') $$,
  '23P01', null, 'An appointment starting inside the previous one''s buffer is refused');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                            '2030-01-07 09:30Z', '2030-01-07 10:00Z', '2030-01-07 10:15Z') $$,
  '23P01', null, 'An appointment whose own buffer runs into the next one is refused');
select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                            '2030-01-07 09:00Z', '2030-01-07 12:00Z', '2030-01-07 12:15Z') $$,
  '23P01', null, 'An appointment around another one is refused');
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                   values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                           '2030-01-07 10:45Z', '2030-01-07 11:15Z', '2030-01-07 11:30Z') $$,
  'An appointment may start the moment the previous buffer ends');
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                   values ('eeeeeeee-0003-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000000',
                           '2030-01-07 09:15Z', '2030-01-07 09:45Z', '2030-01-07 10:00Z') $$,
  'An appointment whose buffer ends the moment the next one starts is accepted');
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                   values ('eeeeeeee-0003-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-000000000000',
                           '2030-01-07 10:00Z', '2030-01-07 11:00Z', '2030-01-07 11:00Z') $$,
  'Another link''s calendar is independent: the same time is free there');

select results_eq(
  $$ update public.bookings set status = 'cancelled', cancelled_at = now()
      where id = 'aaaaaaaa-0005-4000-8000-000000000001' returning status::text $$,
  $$ values ('cancelled'::text) $$,
  'Client A''s appointment is cancelled');
select lives_ok($$ insert into public.bookings (id, booking_link_id, client_id, starts_at, ends_at, blocked_until)
                   values ('bbbbbbbb-0005-4000-8000-000000000002', 'eeeeeeee-0003-4000-8000-000000000001',
                           'bbbbbbbb-0000-4000-8000-000000000000',
                           '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z') $$,
  'A cancelled appointment frees its slot for someone else');
select throws_ok($$ update public.bookings set status = 'confirmed', cancelled_at = null
                    where id = 'aaaaaaaa-0005-4000-8000-000000000001' $$,
  '23P01', null, 'A cancelled appointment cannot be confirmed again once its slot is taken');
select lives_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until, status, cancelled_at)
                   values ('eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
                           '2030-01-07 10:00Z', '2030-01-07 10:30Z', '2030-01-07 10:45Z', 'cancelled', now()) $$,
  'Cancelled appointments never conflict, even with each other or a confirmed one');
select is((select count(*)::int from public.bookings
            where booking_link_id = 'eeeeeeee-0003-4000-8000-000000000001' and status = 'confirmed'
              and tstzrange(starts_at, blocked_until) && tstzrange('2030-01-07 10:00Z', '2030-01-07 10:45Z')), 1,
  'Exactly one confirmed appointment holds the contested slot');

select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
                            '2030-02-01 10:00Z', '2030-02-01 10:00Z', '2030-02-01 10:00Z') $$,
  '23514', null, 'An appointment ends after it starts');
select throws_ok($$ update public.bookings set blocked_until = starts_at
                    where id = 'bbbbbbbb-0005-4000-8000-000000000001' $$,
  '23514', null, 'The time an appointment blocks includes the appointment itself');
select throws_ok($$ delete from public.booking_links where slug = 'tap-call' $$,
  '23503', null, 'A link with appointments cannot be deleted');

-- Links, windows, blocked dates
select throws_ok($$ insert into public.booking_links (slug, title, kind) values ('tap-x', 'X', 'external') $$,
  '23514', null, 'An external link needs its URL');
select throws_ok($$ insert into public.booking_links (slug, title, kind, external_url)
                    values ('tap-y', 'Y', 'native', 'https://cal.example/y') $$,
  '23514', null, 'A native link has no external URL');
select throws_ok($$ insert into public.booking_links (slug, title, kind, external_url)
                    values ('tap-z', 'Z', 'external', 'javascript:alert(1)') $$,
  '23514', null, 'An external URL is https');
select throws_ok($$ insert into public.booking_links (slug, title) values ('Tap Call!', 'Bad slug') $$,
  '23514', null, 'A slug is lower-case words joined by hyphens');
select throws_ok($$ insert into public.booking_links (slug, title) values ('tap-call', 'Same slug') $$,
  '23505', null, 'Slugs are unique');
select throws_ok($$ insert into public.booking_links (slug, title, duration_minutes) values ('tap-w', 'W', 0) $$,
  '23514', null, 'An appointment lasts at least 5 minutes');
select throws_ok($$ insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 3, '12:00', '09:00') $$,
  '23514', null, 'A window ends after it starts');
select throws_ok($$ insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 8, '09:00', '12:00') $$,
  '23514', null, 'A weekday is 1 (Monday) to 7 (Sunday)');
select throws_ok($$ insert into public.booking_blocked_dates (booking_link_id, blocked_on)
                    values ('eeeeeeee-0003-4000-8000-000000000001', '2030-01-01') $$,
  '23505', null, 'A date is blocked once per link');

-- The history
select results_eq(
  $$ select kind::text, summary, details ->> 'starts_at' from public.activity
      where subject_id = 'aaaaaaaa-0005-4000-8000-000000000001' order by id $$,
  $$ values ('booking_made'::text, 'Appointment booked: Tap call'::text, '2030-01-07T10:00:00+00:00'::text),
            ('booking_cancelled', 'Appointment cancelled: Tap call', '2030-01-07T10:00:00+00:00') $$,
  'Booking and cancelling are in client A''s history, with the link''s title and the time');
select is((select count(*)::int from public.activity
            where client_id = 'aaaaaaaa-0000-4000-8000-000000000000' and kind = 'booking_made'), 1,
  'An appointment inserted already cancelled records no booking');
update public.bookings set status = 'cancelled', cancelled_at = now() where id = 'aaaaaaaa-0005-4000-8000-000000000001';
update public.bookings set note = 'Called to say sorry' where id = 'aaaaaaaa-0005-4000-8000-000000000001';
select is((select count(*)::int from public.activity where subject_id = 'aaaaaaaa-0005-4000-8000-000000000001'), 2,
  'Cancelling again or editing a cancelled appointment records nothing more');
select is((select client_id from public.activity where subject_id = 'bbbbbbbb-0005-4000-8000-000000000002'),
  'bbbbbbbb-0000-4000-8000-000000000000'::uuid, 'Each booking is recorded in its own client''s history');

-- ============================================================================================
-- Client A
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');

select results_eq($$ select slug from public.booking_links order by position $$,
  $$ values ('tap-call'::text), ('tap-visit') $$,
  'Client A sees the active links, not the retired one');
select results_eq(
  $$ select l ->> 'slug', l ->> 'kind', l ->> 'external_url' from jsonb_array_elements(portal_booking_links()) l
      where l ->> 'slug' like 'tap-%' $$,
  $$ values ('tap-call'::text, 'native'::text, null::text), ('tap-visit', 'external', 'https://cal.example/tap') $$,
  'portal_booking_links lists the active links in the administrator''s order');
select results_eq($$ select weekday::int from public.booking_availability order by weekday $$,
  $$ values (1), (2) $$,
  'Client A sees the windows of active links only');
select results_eq($$ select blocked_on from public.booking_blocked_dates $$,
  $$ values ('2030-01-01'::date) $$,
  'Client A sees the blocked dates of active links only');
select results_eq($$ select starts_at, status::text from public.bookings order by starts_at, status $$,
  $$ values ('2030-01-07 10:00Z'::timestamptz, 'cancelled'::text), ('2030-01-07 10:00Z', 'cancelled') $$,
  'Client A sees its own appointments, cancelled ones included, and no one else''s');
select is_empty($$ select id from public.bookings where client_id <> 'aaaaaaaa-0000-4000-8000-000000000000' $$,
  'Client A cannot see who else booked the link');

select throws_ok($$ insert into public.bookings (booking_link_id, client_id, starts_at, ends_at, blocked_until)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
                            '2030-03-04 10:00Z', '2030-03-04 10:30Z', '2030-03-04 10:45Z') $$,
  '42501', null, 'Client A cannot book by writing the table: booking checks availability first');
select throws_ok($$ update public.bookings set status = 'confirmed' where id = 'aaaaaaaa-0005-4000-8000-000000000001' $$,
  '42501', null, 'Client A cannot change its appointments directly');
select throws_ok($$ delete from public.bookings $$, '42501', null, 'Client A cannot delete appointments');
select throws_ok($$ insert into public.booking_links (slug, title) values ('tap-mine', 'Mine') $$,
  '42501', null, 'Client A cannot create booking links');
select throws_ok($$ update public.booking_links set active = true $$, '42501', null,
  'Client A cannot reactivate a link');
select throws_ok($$ insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
                    values ('eeeeeeee-0003-4000-8000-000000000001', 6, '00:00', '23:59') $$,
  '42501', null, 'Client A cannot open new windows');
select throws_ok($$ delete from public.booking_blocked_dates $$, '42501', null,
  'Client A cannot unblock dates');

-- ============================================================================================
-- Client B
-- ============================================================================================
select tests.act_as_client('b@pgtap.test');

select is((select count(*)::int from public.bookings), 5, 'Client B sees its five appointments');
select is_empty($$ select id from public.bookings where client_id <> 'bbbbbbbb-0000-4000-8000-000000000000' $$,
  'Client B sees none of client A''s appointments');
select results_eq($$ select slug from public.booking_links order by position $$,
  $$ values ('tap-call'::text), ('tap-visit') $$, 'Client B sees the same active links');

-- ============================================================================================
-- Client without portal access
-- ============================================================================================
select tests.act_as_client('c@pgtap.test');

select is_empty($$ select id from public.booking_links $$, 'A client without portal access sees no link');
select is_empty($$ select id from public.booking_availability $$, 'A client without portal access sees no window');
select is_empty($$ select id from public.bookings $$, 'A client without portal access sees no appointment, not even its own');
select is(portal_booking_links(), '[]'::jsonb, 'portal_booking_links is empty for a client without portal access');

-- ============================================================================================
-- Archived client
-- ============================================================================================
select tests.act_as_client('d@pgtap.test');

select is_empty($$ select id from public.booking_links $$, 'An archived client sees no link');
select is_empty($$ select blocked_on from public.booking_blocked_dates $$, 'An archived client sees no blocked date');
select is_empty($$ select id from public.bookings $$, 'An archived client sees no appointment, not even its own');

-- ============================================================================================
-- Anonymous
-- ============================================================================================
select tests.act_as_anon();

select throws_ok($$ select id from public.booking_links $$, '42501', null, 'Anonymous requests cannot read links');
select throws_ok($$ select id from public.booking_availability $$, '42501', null, 'Anonymous requests cannot read windows');
select throws_ok($$ select blocked_on from public.booking_blocked_dates $$, '42501', null,
  'Anonymous requests cannot read blocked dates');
select throws_ok($$ select id from public.bookings $$, '42501', null, 'Anonymous requests cannot read appointments');
select throws_ok($$ select portal_booking_links() $$, '42501', null, 'Anonymous requests cannot call portal_booking_links');

-- ============================================================================================
-- Service role
-- ============================================================================================
select tests.act_as_service_role();

select is((select count(*)::int from public.bookings where booking_link_id::text like 'eeeeeeee-%'), 9,
  'The service role sees every appointment');
select results_eq(
  $$ update public.bookings set status = 'cancelled' where id = 'bbbbbbbb-0005-4000-8000-000000000001'
  returning status::text $$,
  $$ values ('cancelled'::text) $$,
  'The service role cancels client B''s appointment');
select is((select actor from public.activity where kind = 'booking_cancelled' and subject_id = 'bbbbbbbb-0005-4000-8000-000000000001'),
  'system', 'A cancellation by the service role is the system''s doing in the history');
select matches(tests.error_of($$ update public.bookings set status = 'confirmed', cancelled_at = null
                                 where id = 'aaaaaaaa-0005-4000-8000-000000000001' $$) ->> 'code',
  '^(23P01|55000)$', 'The service role cannot bring a cancelled appointment back over another one');

select * from finish();
rollback;
