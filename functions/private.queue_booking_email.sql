/**
 * Puts the email about a booking into the outbox, in the caller's transaction: a confirmation
 * with the appointment's .ics attached, or a cancellation notice. The dedupe key makes a second
 * call for the same event a no-op. Called by the announce_booking trigger only.
 */
create or replace function private.queue_booking_email(p_booking public.bookings, p_kind text) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  business public.settings;
  client public.clients;
  starts text;
  short_when text;
  what text := format('%s (%s)', p_booking.title,
                      private.duration_words(extract(epoch from p_booking.ends_at - p_booking.starts_at)::integer / 60));
  portal text;
begin
  select s.* into business from public.settings s;
  select c.* into client from public.clients c where c.id = p_booking.client_id;
  starts := private.local_time_label(p_booking.starts_at, business.time_zone);
  -- The subject names the zone too: a time without one is ambiguous to a reader elsewhere.
  short_when := format('%s (%s)',
    to_char(p_booking.starts_at at time zone business.time_zone, 'Mon FMDD, YYYY "at" FMHH12:MI AM'),
    business.time_zone);
  portal := coalesce(' (' || business.portal_base_url || ')', '');

  if p_kind = 'confirmation' then
    insert into public.outbox (client_id, dedupe_key, to_email, subject, body_text, attachments)
    values (client.id, 'booking_confirmation:' || p_booking.id, client.email,
      format('Appointment booked: %s on %s', p_booking.title, short_when),
      concat_ws(E'\n',
        format('Hello %s,', client.name), '',
        format('Your appointment with %s is booked.', business.business_name), '',
        'What: ' || what,
        'When: ' || starts,
        'Where: ' || p_booking.location,
        'Join the call: ' || p_booking.meeting_url,
        'Your note: ' || p_booking.note, '',
        'The attached file appointment.ics adds it to your calendar.',
        case when private.booking_cancellable(p_booking.starts_at, p_booking.min_notice_minutes)
          then format('You can cancel it in the portal%s until %s.', portal,
                      private.local_time_label(p_booking.starts_at
                        - make_interval(mins => p_booking.min_notice_minutes), business.time_zone))
          else format('To change it, please contact %s.', business.business_name) end, '',
        business.business_name),
      jsonb_build_array(jsonb_build_object('filename', 'appointment.ics', 'content_type', 'text/calendar',
                                           'content', private.booking_ics(p_booking))))
    on conflict (dedupe_key) do nothing;
  elsif p_kind = 'cancellation' then
    insert into public.outbox (client_id, dedupe_key, to_email, subject, body_text)
    values (client.id, 'booking_cancellation:' || p_booking.id, client.email,
      format('Appointment cancelled: %s on %s', p_booking.title, short_when),
      concat_ws(E'\n',
        format('Hello %s,', client.name), '',
        format('Your appointment with %s was cancelled.', business.business_name), '',
        'What: ' || what,
        'When: ' || starts,
        'Where: ' || p_booking.location, '',
        format('If it is in your calendar, please remove it. To choose another time, sign in to the portal%s.', portal),
        '', business.business_name))
    on conflict (dedupe_key) do nothing;
  else
    raise exception 'Unknown booking email: %', p_kind using errcode = '22023';
  end if;
end
$$;

revoke all on function private.queue_booking_email(public.bookings, text) from public, anon, authenticated, service_role;
