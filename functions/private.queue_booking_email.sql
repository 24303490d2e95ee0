/**
 * Puts the email about a booking into the outbox, in the caller's transaction, as a kind and a
 * context (the worker renders app/templates/email/booking_<kind>.*): a confirmation with the
 * appointment's .ics attached, or a cancellation whose .ics (METHOD:CANCEL) removes the event
 * from calendars; or the reminder a day before (queue_reminders), with the .ics again. The
 * business is told of bookings and cancellations, when it wants to hear of them. The dedupe
 * keys make a second call for the same event a no-op. Called by the announce_booking trigger
 * and queue_reminders.
 */
create or replace function private.queue_booking_email(p_booking public.bookings, p_kind text) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  business public.settings;
  client public.clients;
  details jsonb;
begin
  if p_kind not in ('confirmation', 'cancellation', 'reminder') then
    raise exception 'Unknown booking email: %', p_kind using errcode = '22023';
  end if;
  select s.* into business from public.settings s;
  select c.* into client from public.clients c where c.id = p_booking.client_id;
  details := jsonb_build_object(
    'booking_id', p_booking.id, 'title', p_booking.title,
    'duration', private.duration_words(extract(epoch from p_booking.ends_at - p_booking.starts_at)::integer / 60),
    'starts_at', p_booking.starts_at, 'ends_at', p_booking.ends_at, 'time_zone', business.time_zone,
    'location', p_booking.location, 'meeting_url', p_booking.meeting_url, 'note', p_booking.note,
    'cancellable_until', case when private.booking_cancellable(p_booking.starts_at, p_booking.min_notice_minutes)
                              then p_booking.starts_at - make_interval(mins => p_booking.min_notice_minutes) end,
    'client_name', client.name, 'client_email', client.email);

  insert into public.outbox (client_id, dedupe_key, to_email, kind, context, attachments)
  values (client.id, 'booking_' || p_kind || ':' || p_booking.id, client.email, 'booking_' || p_kind, details,
          jsonb_build_array(jsonb_build_object(
            'filename', case p_kind when 'cancellation' then 'cancellation.ics' else 'appointment.ics' end,
            'content_type', case p_kind when 'cancellation' then 'text/calendar; method=CANCEL'
                                        else 'text/calendar' end,
            'content', case p_kind when 'cancellation' then private.booking_cancel_ics(p_booking)
                                   else private.booking_ics(p_booking) end)))
  on conflict (dedupe_key) do nothing;
  if p_kind = 'reminder' then
    return;
  end if;

  perform private.notify_business(case p_kind when 'confirmation' then 'booking_made' else 'booking_cancelled' end,
                                  'business_booking_' || p_kind,
                                  'business_booking_' || p_kind || ':' || p_booking.id, details);
end
$$;

revoke all on function private.queue_booking_email(public.bookings, text) from public, anon, authenticated, service_role;
grant execute on function private.queue_booking_email(public.bookings, text) to service_role;
