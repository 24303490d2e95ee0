/**
 * Payments hardened (issue 11, items 4, 5, 11, 18).
 * - Stripe events say what became of them: applied, waiting for the payment they are about
 *   (applied by a trigger when it is recorded), or rejected (kept, never applied).
 * - Payments keep the card (brand, last four) and a receipt number a client can read; a payment
 *   whose event names another invoice than the stored Checkout Session is flagged, not counted.
 * - Emails are queued as a kind and a JSON context, rendered by the worker from templates; rows
 *   with a ready subject and body (older ones, booking emails) stay deliverable.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.stripe_events
  add column status text not null default 'applied' check (status in ('applied', 'waiting', 'rejected')),
  -- While waiting: the PaymentIntent the event is about, not recorded yet.
  add column waiting_for text,
  -- What applying it gave, or why it was rejected.
  add column outcome jsonb,
  -- The object the event is about (cs_..., ch_...), to find a session's events.
  add column object_id text generated always as (payload -> 'data' -> 'object' ->> 'id') stored;

create index stripe_events_object_idx on public.stripe_events (object_id);
create index stripe_events_waiting_idx on public.stripe_events (waiting_for) where status = 'waiting';

/** Receipt numbers clients can read and quote (R-000042); the pi_ id stays for the business. */
create sequence public.payment_receipt_numbers;

alter table public.payments
  add column card_brand text check (length(card_brand) <= 40),
  add column card_last4 text check (card_last4 ~ '^[0-9]{4}$'),
  add column receipt_number text not null unique
    default 'R-' || lpad(nextval('public.payment_receipt_numbers')::text, 6, '0'),
  drop constraint payments_flag_check,
  add constraint payments_flag_check check (
    flag in ('overpayment', 'amount_mismatch', 'currency_mismatch', 'invoice_mismatch'));
comment on column public.payments.flag is
  'Needs an administrator''s eye. invoice_mismatch: the Stripe event named another invoice or client '
  'than the Checkout Session the portal opened. Only overpayment counts towards amount_paid.';

alter table public.outbox
  -- A template name (app/templates/email/<kind>.txt) and what it needs; the worker renders it.
  add column kind text check (kind ~ '^[a-z][a-z_]{0,62}$'),
  add column context jsonb not null default '{}',
  alter column subject drop not null,
  alter column body_text drop not null,
  add constraint outbox_kind_or_text check (kind is not null or (subject is not null and body_text is not null));

-- Grants --------------------------------------------------------------------------------------

-- No API role touches the sequence (a new project's defaults leave UPDATE on it): new payments
-- are numbered by a definer trigger below, existing ones were numbered by the column default.
revoke all on sequence public.payment_receipt_numbers from public, anon, authenticated, service_role;
alter table public.payments alter column receipt_number drop default;

-- Triggers ------------------------------------------------------------------------------------

/** Numbers each new payment's receipt, whoever inserts it (webhook, success page, dashboard). */
create function private.number_receipt() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.receipt_number := 'R-' || lpad(nextval('public.payment_receipt_numbers')::text, 6, '0');
  return new;
end
$$;
revoke all on function private.number_receipt() from public, anon, authenticated, service_role;

create trigger number_receipt before insert on public.payments
  for each row execute function private.number_receipt();

/**
 * The amount_paid rule (replaces the invoices migration's): settled payments less refunds; a
 * flagged payment counts only when it is an overpayment (real money for this invoice), never
 * when its amount, currency or invoice is not what the portal asked.
 */
create or replace function private.refresh_invoice_amount_paid() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.invoices i
     set (amount_paid, paid_at) = (
           select coalesce(sum(p.amount - p.amount_refunded), 0), max(p.paid_at)
             from public.payments p
            where p.invoice_id = i.id
              and p.status in ('succeeded', 'partially_refunded', 'refunded')
              and (p.flag is null or p.flag = 'overpayment'))
   where i.id in (
     select (case when tg_op = 'DELETE' then old else new end).invoice_id
     union
     select old.invoice_id where tg_op = 'UPDATE');
  return null;
end
$$;

/**
 * A payment with a Stripe PaymentIntent was recorded (by the webhook, the success page or an
 * administrator): the charge events that arrived before it (refund, card details) apply now.
 */
create or replace function private.apply_waiting_stripe_events() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  waiting public.stripe_events;
begin
  for waiting in
    select e.* from public.stripe_events e
     where e.status = 'waiting' and e.waiting_for = new.stripe_payment_intent_id
     order by (e.payload ->> 'created')::bigint, e.received_at
     for update
  loop
    update public.stripe_events e
       set status = 'applied', waiting_for = null, processed_at = now(),
           outcome = private.apply_stripe_event(waiting.payload)
     where e.id = waiting.id;
  end loop;
  return null;
end
$$;
revoke all on function private.apply_waiting_stripe_events() from public, anon, authenticated;

create trigger apply_waiting_stripe_events after insert on public.payments
  for each row when (new.stripe_payment_intent_id is not null)
  execute function private.apply_waiting_stripe_events();

-- Money in emails is formatted by the worker (app/formatting.py), as on pages and in PDFs.
drop function private.format_money(bigint, text);
