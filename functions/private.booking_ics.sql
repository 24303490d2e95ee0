/**
 * An appointment as an iCalendar file (RFC 5545): the download the portal offers and the
 * attachment of the confirmation email are this same text. Times are UTC, so every calendar
 * shows them in its owner's zone. LOCATION is the place, else the meeting URL (what calendars
 * show and make clickable); URL is the meeting URL. No METHOD: this is an event to add, not an iTIP invitation
 * (which would need an organizer). Text values are escaped (\ ; , and line breaks) and lines
 * are folded at 75 octets, never inside a multi-byte character; lines end with CRLF.
 *
 * Security invoker: it reads only the business's public settings; the caller passes the booking
 * it is allowed to see.
 */
create or replace function private.booking_ics(p_booking public.bookings) returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  business record;
  texts text[];
  lines text[];
  line text;
  ch text;
  used integer;
  result text := '';
begin
  select s.business_name, s.contact_email, s.contact_phone into business from public.settings s;
  texts := array(
    select replace(replace(replace(replace(
             regexp_replace(regexp_replace(v, E'\r\n?', E'\n', 'g'), '[\x01-\x08\x0b-\x1f\x7f]', '', 'g'),
             '\', '\\'), ';', '\;'), ',', '\,'), E'\n', '\n')
      from unnest(array[
        format('%s with %s', p_booking.title, business.business_name),
        concat_ws(E'\n',
          case when p_booking.note is not null then 'Your note: ' || p_booking.note end,
          case when p_booking.meeting_url is not null then 'Join: ' || p_booking.meeting_url end,
          nullif(concat_ws(' · ', business.business_name, business.contact_email, business.contact_phone), '')),
        coalesce(p_booking.location, p_booking.meeting_url)
      ]) with ordinality u(v, n)
     order by n);
  lines := array[
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Client Portal//Bookings//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    'UID:' || p_booking.id || '@client-portal',
    'DTSTAMP:' || to_char(coalesce(p_booking.cancelled_at, p_booking.created_at) at time zone 'UTC',
                          'YYYYMMDD"T"HH24MISS"Z"'),
    'DTSTART:' || to_char(p_booking.starts_at at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
    'DTEND:' || to_char(p_booking.ends_at at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
    'SUMMARY:' || texts[1],
    'DESCRIPTION:' || texts[2],
    'LOCATION:' || texts[3],
    -- A URI, not text: never escaped (the table allows no spaces or control characters in it).
    'URL:' || p_booking.meeting_url,
    'STATUS:' || case p_booking.status when 'cancelled' then 'CANCELLED' else 'CONFIRMED' end,
    -- A cancelled copy supersedes the confirmed one in calendars that already hold it.
    'SEQUENCE:' || case p_booking.status when 'cancelled' then 1 else 0 end,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR'];
  foreach line in array lines loop
    continue when line is null;  -- an optional property without a value (LOCATION, URL)
    used := 0;
    foreach ch in array regexp_split_to_array(line, '') loop
      if used + octet_length(ch) > 75 then
        -- A folded line starts with a space, which counts towards its 75 octets.
        result := result || E'\r\n ';
        used := 1;
      end if;
      result := result || ch;
      used := used + octet_length(ch);
    end loop;
    result := result || E'\r\n';
  end loop;
  return result;
end
$$;

revoke all on function private.booking_ics(public.bookings) from public, anon, authenticated, service_role;
grant execute on function private.booking_ics(public.bookings) to authenticated;
