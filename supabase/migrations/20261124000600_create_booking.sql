/**
 * Booking: links administrators publish (an external scheduling page, or native availability),
 * their weekly windows and blocked dates, and the appointments clients book.
 *
 * Two confirmed bookings of one link can never overlap (including the buffer after each): an
 * exclusion constraint decides, so simultaneous requests cannot both win.
 */

-- Types ---------------------------------------------------------------------------------------

create type public.booking_link_kind as enum ('external', 'native');
create type public.booking_status as enum ('confirmed', 'cancelled');

-- Tables --------------------------------------------------------------------------------------

create table public.booking_links (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  title text not null check (length(btrim(title)) between 1 and 200),
  description text check (length(description) <= 4000),
  kind public.booking_link_kind not null default 'native',
  -- For kind 'external': the page that is opened (e.g. a Cal.com or Calendly link).
  external_url text check (external_url ~ '^https://' and length(external_url) <= 2000),
  duration_minutes integer not null default 30 check (duration_minutes between 5 and 480),
  -- Free time kept after each appointment.
  buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 240),
  -- How long before its start a slot can still be booked or cancelled.
  min_notice_minutes integer not null default 120 check (min_notice_minutes between 0 and 43200),
  -- How many days ahead slots are offered.
  horizon_days integer not null default 30 check (horizon_days between 1 and 365),
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint booking_links_external_has_url check ((kind = 'external') = (external_url is not null))
);

/** Weekly windows of a native link, in the business's time zone. */
create table public.booking_availability (
  id uuid primary key default gen_random_uuid(),
  booking_link_id uuid not null references public.booking_links (id) on delete cascade,
  -- ISO weekday: 1 = Monday ... 7 = Sunday.
  weekday smallint not null check (weekday between 1 and 7),
  starts_at time not null,
  ends_at time not null,
  constraint booking_availability_window_order check (ends_at > starts_at)
);

create index booking_availability_link_idx on public.booking_availability (booking_link_id, weekday);

/** Days a native link offers nothing (holidays, absences), in the business's time zone. */
create table public.booking_blocked_dates (
  booking_link_id uuid not null references public.booking_links (id) on delete cascade,
  blocked_on date not null,
  reason text check (length(reason) <= 200),
  primary key (booking_link_id, blocked_on)
);

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  booking_link_id uuid not null references public.booking_links (id) on delete restrict,
  client_id uuid not null references public.clients (id) on delete restrict,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- ends_at plus the link's buffer: the time no other booking of the link may touch.
  blocked_until timestamptz not null,
  note text check (length(note) <= 1000),
  status public.booking_status not null default 'confirmed',
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  constraint bookings_time_order check (ends_at > starts_at and blocked_until >= ends_at),
  constraint bookings_no_overlap exclude using gist (
    booking_link_id with =,
    tstzrange(starts_at, blocked_until, '[)') with &&
  ) where (status = 'confirmed')
);

create index bookings_client_idx on public.bookings (client_id, starts_at desc);

-- Triggers ------------------------------------------------------------------------------------

create trigger touch_updated_at before update on public.booking_links
  for each row execute function private.touch_updated_at();

/** Booking made or cancelled: the client's history says so. */
create or replace function private.record_booking_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  title text := (select l.title from public.booking_links l where l.id = new.booking_link_id);
begin
  if tg_op = 'INSERT' and new.status = 'confirmed' then
    perform private.record_activity(new.client_id, 'booking_made', 'booking', new.id,
      format('Appointment booked: %s', title),
      jsonb_build_object('starts_at', new.starts_at, 'ends_at', new.ends_at));
  elsif tg_op = 'UPDATE' and new.status = 'cancelled' and old.status = 'confirmed' then
    perform private.record_activity(new.client_id, 'booking_cancelled', 'booking', new.id,
      format('Appointment cancelled: %s', title),
      jsonb_build_object('starts_at', new.starts_at, 'ends_at', new.ends_at));
  end if;
  return null;
end
$$;

create trigger record_booking_activity after insert or update of status on public.bookings
  for each row execute function private.record_booking_activity();
