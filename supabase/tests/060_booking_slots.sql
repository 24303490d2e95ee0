-- Booking slots: what available_slots offers is exactly what book_slot accepts (one definition,
-- private.link_slots), in the business's time zone: weekly windows, blocked dates, minimum notice,
-- horizon, buffer, and days on which the clocks change. Times are computed relative to now(), so
-- the file passes whatever day it runs.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(43);

-- Helpers (tests.act_as_client, act_as_anon, act_as_service_role, act_as_owner, error_of):
-- installed by 000_setup_tests_helpers.sql. This file's own, local to its transaction:
/** The business's date today and a local wall-clock time on a business date, as an instant. */
create function tests.today() returns date
language sql as $$ select (now() at time zone (select s.time_zone from public.settings s))::date $$;
create function tests.local(p_day date, p_time time) returns timestamptz
language sql as $$ select (p_day + p_time) at time zone (select s.time_zone from public.settings s) $$;
/** The start of every free slot available_slots offers, in order. */
create function tests.slots(p_slug text, p_from date, p_days integer) returns setof timestamptz
language sql as $$
  select (s ->> 'starts_at')::timestamptz
    from jsonb_array_elements(public.available_slots(p_slug, p_from, p_days) -> 'days') d,
         jsonb_array_elements(d -> 'slots') s
   order by 1
$$;
/** The same, as local wall-clock times of the business. */
create function tests.local_times(p_slug text, p_from date, p_days integer) returns setof time
language sql as $$
  select (t at time zone (select s.time_zone from public.settings s))::time
    from tests.slots(p_slug, p_from, p_days) t
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Fixtures --------------------------------------------------------------------------------------
set local timezone = 'UTC';
update public.settings set time_zone = 'America/New_York', business_name = 'Slot Studio';
insert into public.clients (id, name, email, portal_access) values
  ('aaaaaaaa-0000-4000-8000-000000000060', 'Ada Slot', 'a@slots.test', true),
  ('bbbbbbbb-0000-4000-8000-000000000060', 'Bea Slot', 'b@slots.test', true);

-- 30-minute appointments, 15 minutes' buffer, 2 hours' notice, 14 days ahead; 09:00-12:00 every
-- day but one weekday (today + 5's); one blocked date (today + 3).
insert into public.booking_links (id, slug, title, duration_minutes, buffer_minutes, min_notice_minutes, horizon_days)
values ('eeeeeeee-0060-4000-8000-000000000001', 'slot-consult', 'Consultation', 30, 15, 120, 14),
       ('eeeeeeee-0060-4000-8000-000000000002', 'slot-notice', 'Around the clock', 60, 0, 120, 2),
       ('eeeeeeee-0060-4000-8000-000000000003', 'slot-dst', 'Night and morning', 30, 0, 0, 365);
insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select 'eeeeeeee-0060-4000-8000-000000000001', d, '09:00', '12:00'
  from generate_series(1, 7) d where d <> extract(isodow from tests.today() + 5);
insert into public.booking_blocked_dates (booking_link_id, blocked_on)
values ('eeeeeeee-0060-4000-8000-000000000001', tests.today() + 3);
insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select 'eeeeeeee-0060-4000-8000-000000000002', d, '00:00', '24:00' from generate_series(1, 7) d;
insert into public.booking_availability (booking_link_id, weekday, starts_at, ends_at)
select 'eeeeeeee-0060-4000-8000-000000000003', d, w.starts_at, w.ends_at
  from generate_series(1, 7) d, (values (time '00:00', time '04:00'), (time '09:00', time '10:00')) w(starts_at, ends_at);

-- The next day each kind of clock change happens in a zone that has one soon (north and south
-- of the equator change at opposite times of year, so one of them always does within the horizon).
create temp table clock_change as
select distinct on (kind) kind, zone, day
  from (values ('forward', 23), ('back', 25)) k(kind, hours),
       (values ('America/New_York'), ('Europe/Paris'), ('Australia/Sydney')) z(zone),
       lateral (select (now() at time zone z.zone)::date + i as day from generate_series(2, 300) i) d
 where ((d.day + time '12:00') at time zone z.zone) - ((d.day - 1 + time '12:00') at time zone z.zone)
       = make_interval(hours => k.hours)
 order by kind, day;
grant select on clock_change to authenticated;

-- ============================================================================================
-- Client A: the slots offered
-- ============================================================================================
select tests.act_as_client('a@slots.test');

select results_eq($$ select * from tests.local_times('slot-consult', tests.today() + 2, 1) $$,
  $$ values (time '09:00'), ('09:30'), ('10:00'), ('10:30'), ('11:00'), ('11:30') $$,
  'A 09:00-12:00 window offers 30-minute slots from 09:00 to 11:30, business time');
select is(available_slots('slot-consult', tests.today() + 2, 1) ->> 'time_zone', 'America/New_York',
  'The slots say which time zone they are in');
select is(available_slots('slot-consult', tests.today() + 2, 1) -> 'days' -> 0 ->> 'date',
  (tests.today() + 2)::text, 'Slots are grouped by the business''s date');
select is_empty($$ select tests.slots('slot-consult', tests.today() + 5, 1) $$,
  'A weekday without a window offers nothing');
select is_empty($$ select tests.slots('slot-consult', tests.today() + 3, 1) $$,
  'A blocked date offers nothing');
select is(available_slots('slot-consult', tests.today() + 3, 1) ->> 'next_available_date',
  (tests.today() + 4)::text, 'A day without slots points to the next day that has some');
select is((select count(*)::int from tests.slots('slot-consult', tests.today() + 14, 1)), 6,
  'The last day of the horizon (today + 14) is offered in full');
select is_empty($$ select tests.slots('slot-consult', tests.today() + 15, 1) $$,
  'Nothing is offered beyond the horizon');
select is(available_slots('slot-consult', tests.today() + 14, 7) -> 'next_available_date', 'null'::jsonb,
  'Nothing lies beyond the horizon either');
select is(available_slots('slot-consult', tests.today() - 10, 1) ->> 'from', tests.today()::text,
  'A start date in the past is read as today');
select throws_ok($$ select available_slots('slot-consult', null, 32) $$, '22023', 'Days must be between 1 and 31.',
  'At most 31 days are asked for at once');
select ok((select min(t) >= now() + interval '2 hours' and min(t) < now() + interval '3 hours'
             from tests.slots('slot-notice', null, 3) t),
  'The first slot offered is the first one at least the minimum notice (2 hours) away');

-- ============================================================================================
-- Client A: what the database accepts is what was offered
-- ============================================================================================
select throws_ok(format('select book_slot(%L, %L)', 'slot-notice',
                        (select min(t) - interval '1 hour' from tests.slots('slot-notice', null, 3) t)),
  '55000', 'This time is too soon to book: it must be at least 2 hours away. Please choose another.',
  'A slot inside the minimum notice is refused');
select throws_ok(format('select book_slot(%L, %L)', 'slot-notice', now() - interval '1 day'),
  '55000', 'This time is too soon to book: it must be at least 2 hours away. Please choose another.',
  'A time in the past is refused');
select lives_ok(format('select book_slot(%L, %L)', 'slot-notice', (select min(t) from tests.slots('slot-notice', null, 3) t)),
  'The first slot offered can be booked');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 15, '09:00')),
  '22023', 'Appointments can be booked up to 14 days ahead. Please choose an earlier time.',
  'A time beyond the horizon is refused');
select lives_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 14, '11:30')),
  'The last slot of the last day of the horizon can be booked');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 3, '09:00')),
  '22023', 'That time is not one of the available times. Please choose another.',
  'A time on a blocked date is refused');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 5, '09:00')),
  '22023', 'That time is not one of the available times. Please choose another.',
  'A time on a weekday without a window is refused');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '09:10')),
  '22023', 'That time is not one of the available times. Please choose another.',
  'A time between two slots is refused');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '11:45')),
  '22023', 'That time is not one of the available times. Please choose another.',
  'An appointment running past the end of the window is refused');

-- Buffer: 09:00 blocks until 09:45, so 09:30 is gone; 10:00 is the next slot.
select is(book_slot('slot-consult', tests.local(tests.today() + 2, '09:00')) ->> 'ends_at',
  to_jsonb(tests.local(tests.today() + 2, '09:30')) #>> '{}',
  'Client A books 09:00; the appointment lasts the link''s 30 minutes');
select results_eq($$ select * from tests.local_times('slot-consult', tests.today() + 2, 1) $$,
  $$ values (time '10:00'), ('10:30'), ('11:00'), ('11:30') $$,
  'The booked slot and the one inside its buffer are no longer offered');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '09:00')),
  '23P01', 'You have already booked this time.',
  'Booking the same time again (a second tab) says it is already booked');
select tests.act_as_client('b@slots.test');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '09:00')),
  '23P01', 'This time is no longer available. Please choose another.',
  'Client B cannot book the time client A has');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '09:30')),
  '23P01', 'This time is no longer available. Please choose another.',
  'Client B cannot book inside the buffer after client A''s appointment');
select lives_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '11:00')),
  'Client B books 11:00');
select throws_ok(format('select book_slot(%L, %L)', 'slot-consult', tests.local(tests.today() + 2, '10:30')),
  '23P01', 'This time is no longer available. Please choose another.',
  'An appointment whose own buffer would run into the next one is refused');
select results_eq($$ select * from tests.local_times('slot-consult', tests.today() + 2, 1) $$,
  $$ values (time '10:00') $$,
  'Only 10:00 fits between the two appointments, buffers included');

-- ============================================================================================
-- Days on which the clocks change: every instant once, at the local times the windows say
-- ============================================================================================
select tests.act_as_owner();
update public.settings set time_zone = (select zone from clock_change where kind = 'forward');
select tests.act_as_client('a@slots.test');

select results_eq(
  $$ select t from tests.local_times('slot-dst', (select day from clock_change where kind = 'forward'), 1) t
      where t < '05:00' $$,
  $$ values (time '00:00'), ('00:30'), ('01:00'), ('01:30'), ('03:00'), ('03:30') $$,
  'Clocks going forward: a 00:00-04:00 window has no slot in the hour that does not exist');
select results_eq(
  $$ select t from tests.slots('slot-dst', (select day from clock_change where kind = 'forward'), 1) t
      where t < tests.local((select day from clock_change where kind = 'forward'), '05:00') $$,
  $$ select generate_series(tests.local((select day from clock_change where kind = 'forward'), '00:00'),
                            tests.local((select day from clock_change where kind = 'forward'), '00:00')
                              + interval '150 minutes', interval '30 minutes') $$,
  'Clocks going forward: the window''s 3 real hours hold 6 slots, 30 minutes apart, none missing');
select results_eq(
  $$ select t from tests.local_times('slot-dst', (select day from clock_change where kind = 'forward') - 1, 3) t
      where t >= '09:00' $$,
  $$ values (time '09:00'), ('09:30'), ('09:00'), ('09:30'), ('09:00'), ('09:30') $$,
  'Clocks going forward: the 09:00 window starts at 09:00 local time the day before, the day of and the day after');
select is(tests.local((select day from clock_change where kind = 'forward'), '09:00')
          - tests.local((select day from clock_change where kind = 'forward') - 1, '09:00'),
  interval '23 hours', 'Clocks going forward: 09:00 to 09:00 across the change is 23 real hours');
select lives_ok(format('select book_slot(%L, %L)', 'slot-dst',
                       tests.local((select day from clock_change where kind = 'forward'), '03:00')),
  'Clocks going forward: the first slot after the missing hour can be booked');
select throws_ok(format('select book_slot(%L, %L)', 'slot-dst',
                        tests.local((select day from clock_change where kind = 'forward') - 1, '09:30')
                          + interval '24 hours'),
  '22023', 'That time is not one of the available times. Please choose another.',
  'Clocks going forward: "same time tomorrow" as 24 hours later (10:30 local) is not a slot');

select tests.act_as_owner();
update public.settings set time_zone = (select zone from clock_change where kind = 'back');
-- The first local time that comes twice: t and t + 1 hour read the same on the clock.
create temp table repeated_hour as
select t from clock_change c,
       generate_series(tests.local(c.day, '00:00'), tests.local(c.day, '04:00'), interval '30 minutes') t
 where c.kind = 'back' and (t at time zone c.zone)::time = ((t + interval '1 hour') at time zone c.zone)::time
 order by t limit 1;
grant select on repeated_hour to authenticated;
select tests.act_as_client('a@slots.test');

select results_eq(
  $$ select t from tests.slots('slot-dst', (select day from clock_change where kind = 'back'), 1) t
      where t < tests.local((select day from clock_change where kind = 'back'), '05:00') $$,
  $$ select generate_series(tests.local((select day from clock_change where kind = 'back'), '00:00'),
                            tests.local((select day from clock_change where kind = 'back'), '00:00')
                              + interval '270 minutes', interval '30 minutes') $$,
  'Clocks going back: the window''s 5 real hours hold 10 slots, 30 minutes apart, none doubled');
select is((select count(*)::int from tests.local_times('slot-dst', (select day from clock_change where kind = 'back'), 1) t
            where t < '05:00'),
  (select count(distinct t)::int + 2 from tests.local_times('slot-dst', (select day from clock_change where kind = 'back'), 1) t
    where t < '05:00'),
  'Clocks going back: the repeated hour''s two local times come twice, once per UTC offset');
select results_eq(
  $$ select t from tests.local_times('slot-dst', (select day from clock_change where kind = 'back') - 1, 3) t
      where t >= '09:00' $$,
  $$ values (time '09:00'), ('09:30'), ('09:00'), ('09:30'), ('09:00'), ('09:30') $$,
  'Clocks going back: the 09:00 window starts at 09:00 local time the day before, the day of and the day after');
select is(tests.local((select day from clock_change where kind = 'back'), '09:00')
          - tests.local((select day from clock_change where kind = 'back') - 1, '09:00'),
  interval '25 hours', 'Clocks going back: 09:00 to 09:00 across the change is 25 real hours');
select lives_ok(format('select book_slot(%L, %L)', 'slot-dst', (select t from repeated_hour)),
  'Clocks going back: the first of two slots with the same local time can be booked');
select lives_ok(format('select book_slot(%L, %L)', 'slot-dst', (select t + interval '1 hour' from repeated_hour)),
  'Clocks going back: the second one, an hour later at the same local time, can be booked too');

-- ============================================================================================
-- The session's own time zone changes nothing
-- ============================================================================================
select tests.act_as_owner();
update public.settings set time_zone = 'America/New_York';
select tests.act_as_client('a@slots.test');
create temp table slots_in_utc as select tests.slots('slot-consult', null, 14) as t;
set local timezone = 'Asia/Kathmandu';
select set_eq($$ select tests.slots('slot-consult', null, 14) $$, $$ select t from slots_in_utc $$,
  'The same instants are offered whatever the session''s TimeZone (UTC or +05:45)');
select is(available_slots('slot-consult', tests.today() + 2, 1) -> 'days' -> 0 ->> 'date', (tests.today() + 2)::text,
  'Days are the business''s dates whatever the session''s TimeZone');

select * from finish();
rollback;
