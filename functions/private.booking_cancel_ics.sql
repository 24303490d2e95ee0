/**
 * The calendar file of a cancellation: the appointment's .ics (booking_ics: STATUS:CANCELLED,
 * SEQUENCE:1 once cancelled) as an iTIP CANCEL (RFC 5546 3.2.5), which calendars act on by
 * removing the event with the same UID. The ORGANIZER it requires is the business's contact
 * email, when set and short enough for one unfolded line.
 */
create or replace function private.booking_cancel_ics(p_booking public.bookings) returns text
language sql
stable
set search_path = ''
as $$
  select replace(replace(private.booking_ics(p_booking),
                         E'CALSCALE:GREGORIAN\r\n', E'CALSCALE:GREGORIAN\r\nMETHOD:CANCEL\r\n'),
                 E'BEGIN:VEVENT\r\n',
                 E'BEGIN:VEVENT\r\n' || coalesce((
                   select 'ORGANIZER:mailto:' || s.contact_email || E'\r\n' from public.settings s
                    where octet_length('ORGANIZER:mailto:' || s.contact_email) <= 75), ''))
$$;

revoke all on function private.booking_cancel_ics(public.bookings) from public, anon, authenticated, service_role;
