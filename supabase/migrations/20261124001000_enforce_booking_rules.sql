/**
 * Booking rules the database keeps by itself, whoever writes through the API (a client through
 * book_slot, or the service role): a booking must be one of its link's open slots (inside a
 * weekly window in the business's time zone, not on a blocked date, with the minimum notice,
 * within the horizon), lasts exactly the link's duration and keeps the link's buffer free after
 * it. Once made it can only be cancelled, and only while the minimum notice allows.
 *
 * Administrators working in the Supabase dashboard (a request with no API role) may place a
 * booking outside the windows, e.g. a one-off evening appointment; the exclusion constraint
 * bookings_no_overlap still forbids any overlap, for everyone.
 *
 * What a slot is lives in private.link_slots (functions/), which available_slots uses too, so
 * what the portal offers and what the database accepts cannot drift apart.
 */

-- Tables --------------------------------------------------------------------------------------

-- Copied from the link when the booking is made: the appointment keeps its name and the
-- cancellation terms the client booked under, even if the link is renamed, changed or retired
-- (a retired link is invisible to clients, so they could not read them from it).
alter table public.bookings
  add column title text check (length(btrim(title)) between 1 and 200),
  add column min_notice_minutes integer check (min_notice_minutes between 0 and 43200);
comment on column public.bookings.title is 'The link''s title when the booking was made.';
comment on column public.bookings.min_notice_minutes is
  'The link''s minimum notice when the booking was made: cancelling online closes that long before the start.';

update public.bookings b
   set title = l.title, min_notice_minutes = l.min_notice_minutes
  from public.booking_links l
 where l.id = b.booking_link_id;
update public.bookings set cancelled_at = coalesce(cancelled_at, created_at) where status = 'cancelled';
update public.bookings set cancelled_at = null where status = 'confirmed';

alter table public.bookings
  alter column title set not null,
  alter column min_notice_minutes set not null,
  add constraint bookings_cancelled_at_matches_status
    check ((status = 'cancelled') = (cancelled_at is not null));

-- Triggers ------------------------------------------------------------------------------------

/**
 * Fills in what follows from the link (end, buffer, title, notice) and holds writes made through
 * the API to the booking rules. Security definer: it reads the link and settings whoever writes.
 * The request's role comes from the verified JWT claims, which a definer function does not change.
 */
create or replace function private.check_booking() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  through_api boolean := coalesce(auth.role(), '') in ('authenticated', 'service_role');
  link public.booking_links;
  business_zone text := (select s.time_zone from public.settings s);
  local_day date := (new.starts_at at time zone business_zone)::date;
  duration interval;
begin
  select l.* into link from public.booking_links l where l.id = new.booking_link_id;
  if not found then
    raise exception 'Booking link not found.' using errcode = 'P0002';
  end if;
  duration := make_interval(mins => link.duration_minutes);

  if tg_op = 'INSERT' then
    if through_api then
      if not link.active or link.kind <> 'native' then
        raise exception 'This booking link is not open for booking.' using errcode = '55000';
      end if;
      if new.status <> 'confirmed' then
        raise exception 'A new appointment is always confirmed.' using errcode = '22023';
      end if;
      if new.ends_at <> new.starts_at + duration then
        raise exception 'This appointment lasts % minutes.', link.duration_minutes using errcode = '22023';
      end if;
      if not exists (select from private.link_slots(link.id, local_day, local_day) s
                      where s.starts_at = new.starts_at) then
        if new.starts_at < now() + make_interval(mins => link.min_notice_minutes) then
          raise exception 'This time is too soon to book: it must be at least % away. Please choose another.',
            private.duration_words(link.min_notice_minutes) using errcode = '55000';
        elsif local_day > (now() at time zone business_zone)::date + link.horizon_days then
          raise exception 'Appointments can be booked up to % days ahead. Please choose an earlier time.',
            link.horizon_days using errcode = '22023';
        end if;
        raise exception 'That time is not one of the available times. Please choose another.'
          using errcode = '22023';
      end if;
      -- The terms come from the link, never from the caller.
      new.title := link.title;
      new.min_notice_minutes := link.min_notice_minutes;
      new.created_at := now();
    end if;
    new.ends_at := coalesce(new.ends_at, new.starts_at + duration);
    new.blocked_until := new.ends_at + make_interval(mins => link.buffer_minutes);
    new.title := coalesce(new.title, link.title);
    new.min_notice_minutes := coalesce(new.min_notice_minutes, link.min_notice_minutes);
    new.cancelled_at := case when new.status = 'cancelled' then coalesce(new.cancelled_at, now()) end;
    return new;
  end if;

  -- UPDATE
  if through_api then
    if (new.booking_link_id, new.client_id, new.starts_at, new.ends_at, new.blocked_until, new.note,
        new.title, new.min_notice_minutes, new.created_at)
       is distinct from (old.booking_link_id, old.client_id, old.starts_at, old.ends_at,
                         old.blocked_until, old.note, old.title, old.min_notice_minutes, old.created_at) then
      raise exception 'An appointment cannot be changed, only cancelled.' using errcode = '55000';
    end if;
    if old.status = 'cancelled' and new.status = 'confirmed' then
      raise exception 'A cancelled appointment cannot be restored. Please book a new time.'
        using errcode = '55000';
    end if;
    if old.status = 'confirmed' and new.status = 'cancelled'
       and not private.booking_cancellable(old.starts_at, old.min_notice_minutes) then
      if old.starts_at <= now() then
        raise exception 'This appointment has already started and can no longer be cancelled.'
          using errcode = '55000';
      end if;
      raise exception 'Appointments can be cancelled online up to % before they start. Please contact % about this one.',
        private.duration_words(old.min_notice_minutes), (select s.business_name from public.settings s)
        using errcode = '55000';
    end if;
  elsif (new.booking_link_id, new.ends_at) is distinct from (old.booking_link_id, old.ends_at) then
    new.blocked_until := new.ends_at + make_interval(mins => link.buffer_minutes);
  end if;
  new.cancelled_at := case
    when new.status = 'confirmed' then null
    when old.status = 'cancelled' then old.cancelled_at
    when through_api then now()
    else coalesce(new.cancelled_at, now())
  end;
  return new;
end
$$;
revoke all on function private.check_booking() from public, anon, authenticated;

create trigger check_booking before insert or update on public.bookings
  for each row execute function private.check_booking();

/**
 * Booking made or cancelled: the client's email goes into the outbox in the same transaction,
 * so it is sent exactly when the booking stands. Nothing is sent about appointments already
 * past (e.g. an administrator recording history).
 */
create or replace function private.announce_booking() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.starts_at > now() then
    if tg_op = 'INSERT' and new.status = 'confirmed' then
      perform private.queue_booking_email(new, 'confirmation');
    elsif tg_op = 'UPDATE' and old.status = 'confirmed' and new.status = 'cancelled' then
      perform private.queue_booking_email(new, 'cancellation');
    end if;
  end if;
  return null;
end
$$;
revoke all on function private.announce_booking() from public, anon, authenticated;

create trigger announce_booking after insert or update of status on public.bookings
  for each row execute function private.announce_booking();
