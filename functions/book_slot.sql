/**
 * The signed-in client books a time of a native booking link, with an optional note. The
 * database decides (see the check_booking trigger and private.link_slots): a time that is not a
 * slot, too soon or too far ahead is refused with a message saying so, and of simultaneous
 * requests for overlapping times exactly one wins (the exclusion constraint); the others are
 * told the time is no longer available. Returns the booking as portal_booking does.
 */
create or replace function public.book_slot(p_link_slug text, p_starts_at timestamptz, p_note text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  link public.booking_links;
  note text := nullif(btrim(replace(coalesce(p_note, ''), E'\r\n', E'\n'), E' \t\n'), '');
  booking_id uuid;
begin
  select l.* into link from public.booking_links l where l.slug = p_link_slug;
  if not found then
    raise exception 'Booking link not found.' using errcode = 'P0002';
  end if;
  if link.kind <> 'native' then
    raise exception 'This appointment is booked on an external page.' using errcode = '22023';
  end if;
  if p_starts_at is null then
    raise exception 'Choose a time.' using errcode = '22023';
  end if;
  if length(note) > 1000 then
    raise exception 'Your note can be at most 1000 characters.' using errcode = '22023';
  end if;

  begin
    booking_id := private.book_for_current_client(link.id, p_starts_at, note);
  exception when exclusion_violation then
    -- The same client in two tabs, or pressing twice: say so rather than "taken".
    if exists (select from public.bookings b
                where b.booking_link_id = link.id and b.starts_at = p_starts_at and b.status = 'confirmed') then
      raise exception 'You have already booked this time.' using errcode = '23P01';
    end if;
    raise exception 'This time is no longer available. Please choose another.' using errcode = '23P01';
  end;
  return public.portal_booking(booking_id);
end
$$;

revoke all on function public.book_slot(text, timestamptz, text) from public, anon, authenticated, service_role;
grant execute on function public.book_slot(text, timestamptz, text) to authenticated;
