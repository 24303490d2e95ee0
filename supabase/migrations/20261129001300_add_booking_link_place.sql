/**
 * Where an appointment happens: a booking link may name a place (an address, "by phone") and/or
 * a meeting URL (a video call). Both are copied onto each booking when it is made, like its
 * title, so a confirmed appointment keeps the place it was booked with; the confirmation page,
 * the email and the .ics show them.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.booking_links
  add column location text check (length(btrim(location)) between 1 and 300 and location !~ '[\x00-\x1f]'),
  -- https only, one line, no spaces: it becomes a link on the page and the .ics's URL.
  add column meeting_url text check (meeting_url ~ '^https://[A-Za-z0-9.-]+(:[0-9]+)?([/?#][^\s\x00-\x1f]*)?$'
                                     and length(meeting_url) <= 2000);
comment on column public.booking_links.location is
  'Optional: where the appointment happens (an address, "Phone call"), shown to the client.';
comment on column public.booking_links.meeting_url is
  'Optional: the video-call link (https://...), shown on the confirmation, in the email and the .ics.';

alter table public.bookings
  add column location text,
  add column meeting_url text;
comment on column public.bookings.location is 'The link''s location when the booking was made.';
comment on column public.bookings.meeting_url is 'The link''s meeting URL when the booking was made.';

-- Grants: none to add. Clients read bookings and booking_links through the table-wide select
-- grants and policies of sql/policies/; nobody but the owner writes these columns directly.

-- Triggers ------------------------------------------------------------------------------------

/**
 * Copies the link's place onto a new booking. Through the API the place always comes from the
 * link (as the title does); an administrator may type another one for a one-off appointment.
 * Security definer: the link may be invisible to the writer.
 */
create or replace function private.copy_booking_place() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  link public.booking_links;
begin
  select l.* into link from public.booking_links l where l.id = new.booking_link_id;
  if coalesce(auth.role(), '') in ('authenticated', 'service_role') then
    new.location := link.location;
    new.meeting_url := link.meeting_url;
  else
    new.location := coalesce(new.location, link.location);
    new.meeting_url := coalesce(new.meeting_url, link.meeting_url);
  end if;
  return new;
end
$$;
revoke all on function private.copy_booking_place() from public, anon, authenticated;

create trigger copy_booking_place before insert on public.bookings
  for each row execute function private.copy_booking_place();
