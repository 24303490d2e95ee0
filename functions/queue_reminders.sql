/**
 * The worker's scheduler (every minute or so; nothing else has to run): queues the reminders
 * that are due as of p_now.
 * - Invoices: sent, not archived, reminders on, something still due, client not archived. For
 *   the latest of the business's offsets (days from the due date, business time zone) that
 *   today has reached, and only if the invoice was already sent on that day; a worker that was
 *   down catches up with that one reminder, not all it missed. One per invoice and offset
 *   (dedupe key); none once paid.
 * - Bookings: confirmed appointments starting within 24 hours, booked more than 24 hours
 *   before they start (a later booking has just had its confirmation). One per booking.
 * Returns how many were queued. Service role only (invoker: it reads and writes as the service).
 */
create or replace function public.queue_reminders(p_now timestamptz default now()) returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  business public.settings;
  today date;
  queued integer := 0;
  added integer;
  booking public.bookings;
begin
  select s.* into business from public.settings s;
  today := (p_now at time zone business.time_zone)::date;

  insert into public.outbox (client_id, dedupe_key, to_email, kind, context)
  select i.client_id, 'invoice_reminder:' || i.id || ':' || o.offset_days, c.email, 'invoice_reminder',
         jsonb_build_object('invoice_id', i.id, 'invoice_number', i.number, 'currency', i.currency,
                            'total', i.total, 'amount_due', i.amount_due, 'due_date', i.due_date,
                            'offset_days', o.offset_days, 'client_name', c.name)
    from public.invoices i
    join public.clients c on c.id = i.client_id and not c.archived
    cross join lateral (
      select max(d) as offset_days from unnest(business.reminder_offsets) d
       where i.due_date + d <= today) o
   where i.status = 'sent' and not i.archived and i.reminders_enabled and i.amount_due > 0
     and o.offset_days is not null
     and (i.sent_at at time zone business.time_zone)::date <= i.due_date + o.offset_days
  on conflict (dedupe_key) do nothing;
  get diagnostics added = row_count;
  queued := queued + added;

  for booking in
    select b.* from public.bookings b
     where b.status = 'confirmed' and b.starts_at > p_now and b.starts_at <= p_now + interval '24 hours'
       and b.created_at < b.starts_at - interval '24 hours'
       and not exists (select from public.outbox x where x.dedupe_key = 'booking_reminder:' || b.id)
  loop
    perform private.queue_booking_email(booking, 'reminder');
    queued := queued + 1;
  end loop;
  return queued;
end
$$;

revoke all on function public.queue_reminders(timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.queue_reminders(timestamptz) to service_role;
