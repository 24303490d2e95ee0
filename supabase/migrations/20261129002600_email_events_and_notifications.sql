/**
 * Emails that run the business (issue 13): invoices and quotes announce themselves when sent,
 * quote decisions reach the client and the business, the business chooses what it hears about,
 * invoice reminders have offsets the business sets, and administrators see every message's
 * delivery through a view. Every email is queued as a kind, a recipient and a JSON context;
 * its text lives in app/templates/email/ only.
 *
 * The trigger functions here call functions of functions/ (private.queue_document_email,
 * private.queue_quote_decision_emails) only when they fire, never when this migration runs.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.settings
  -- Where the business's own notices go; the contact email when unset.
  add column notification_email text check (notification_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  -- The events the business wants to hear about.
  add column notify_events text[] not null
    default '{quote_decided,payment_received,refund,booking_made,booking_cancelled,contact_changed,delivery_failed}'
    check (notify_events <@ '{quote_decided,payment_received,refund,booking_made,booking_cancelled,contact_changed,delivery_failed}'::text[]),
  -- Days relative to the due date on which a reminder goes out: -3 is three days before.
  add column reminder_offsets integer[] not null default '{-3,0,7}'
    check (cardinality(reminder_offsets) <= 10 and -365 <= all (reminder_offsets) and 365 >= all (reminder_offsets));
comment on column public.settings.notify_events is
  'Events the business is emailed about: quote_decided, payment_received, refund, booking_made, '
  'booking_cancelled, contact_changed, delivery_failed.';

alter table public.invoices
  add column reminders_enabled boolean not null default true;
comment on column public.invoices.reminders_enabled is 'Off: no payment reminder goes out for this invoice.';

alter table public.clients
  -- Set when a mail server answers that the address does not exist (a permanent 5xx).
  add column email_bounced_at timestamptz,
  add column email_bounce_reason text check (length(email_bounce_reason) <= 1000);

-- The kind of a queued email, so the delivery view can say what each message was.
create index outbox_kind_idx on public.outbox (kind) where kind is not null;

-- Views ---------------------------------------------------------------------------------------

/**
 * Delivery health, for administrators (the dashboard's SQL editor and table view, as postgres)
 * and the trusted server: every message's state (pending = queued, sent, failed = parked), its
 * attempts and the mail server's last answer. In private, which the API does not expose, and
 * granted to no client role: it shows every client's address.
 */
create view private.email_deliveries with (security_invoker = true) as
  select o.id, o.kind, o.to_email, o.client_id, o.status, o.attempts, o.last_error,
         o.created_at, o.next_attempt_at, o.sent_at
    from public.outbox o;
revoke all on private.email_deliveries from public, anon, authenticated, service_role;
grant select on private.email_deliveries to service_role;

-- Triggers ------------------------------------------------------------------------------------

/**
 * An invoice or quote set to sent (by an administrator in the dashboard, or inserted as sent)
 * queues its email; a quote accepted or rejected queues the copies of the decision. Drafts,
 * void and archived documents send nothing; the dedupe keys make a repeat a no-op.
 */
create or replace function private.announce_document() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status::text = 'sent' and not new.archived
     and (tg_op = 'INSERT' or old.status::text is distinct from 'sent') then
    perform private.queue_document_email(tg_table_name, new.id);
  elsif tg_table_name = 'quotes' and tg_op = 'UPDATE' and new.status::text in ('accepted', 'rejected')
        and old.status::text is distinct from new.status::text then
    perform private.queue_quote_decision_emails(new.id);
  end if;
  return null;
end
$$;
revoke all on function private.announce_document() from public, anon, authenticated, service_role;

create trigger announce_invoice after insert or update of status on public.invoices
  for each row execute function private.announce_document();
create trigger announce_quote after insert or update of status on public.quotes
  for each row execute function private.announce_document();

/**
 * A client changed its own contact details (through update_contact: the change comes with the
 * client's identity, not an administrator's): the business is told what changed, when it wants
 * to hear of it. One notice per transaction and client.
 */
create or replace function private.announce_contact_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changes jsonb;
begin
  if private.current_client_id() is distinct from new.id then
    return null;
  end if;
  select jsonb_object_agg(o.key, jsonb_build_array(o.value, n.value)) into changes
    from jsonb_each(to_jsonb(old)) o
    join jsonb_each(to_jsonb(new)) n using (key)
   where o.key in ('phone', 'address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country')
     and o.value is distinct from n.value;
  if changes is not null then
    perform private.notify_business('contact_changed', 'business_contact_changed',
                                    'business_contact_changed:' || new.id || ':' || txid_current(),
                                    jsonb_build_object('client_name', new.name, 'client_email', new.email,
                                                       'changes', changes));
  end if;
  return null;
end
$$;
revoke all on function private.announce_contact_change() from public, anon, authenticated, service_role;

create trigger announce_contact_change after update on public.clients
  for each row execute function private.announce_contact_change();
