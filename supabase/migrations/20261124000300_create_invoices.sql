/**
 * Invoices, their items and the payments against them.
 *
 * Money is integer minor units in the document's currency. Totals are kept by triggers from the
 * items, amount_paid by triggers from the payments; "paid" is not a stored status but follows
 * from amount_due reaching zero.
 */

-- Types ---------------------------------------------------------------------------------------

create type public.invoice_status as enum ('draft', 'sent', 'void');
create type public.payment_status as enum ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded');

-- Tables --------------------------------------------------------------------------------------

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.clients (id) on delete restrict,
  number text not null unique check (length(number) between 1 and 40),
  status public.invoice_status not null default 'draft',
  issue_date date not null default current_date,
  due_date date not null default current_date + 30,
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  subtotal bigint not null default 0,
  tax_total bigint not null default 0,
  total bigint generated always as (subtotal + tax_total) stored,
  -- Sum of settled payments less refunds (trigger on payments).
  amount_paid bigint not null default 0,
  amount_due bigint generated always as (greatest(subtotal + tax_total - amount_paid, 0)) stored,
  notes text check (length(notes) <= 4000),
  terms text check (length(terms) <= 4000),
  archived boolean not null default false,
  sent_at timestamptz,
  -- When amount_due last reached zero; null while something is due.
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint invoices_due_after_issue check (due_date >= issue_date)
);
comment on column public.invoices.status is
  'draft (invisible to the client), sent, or void. Paid/unpaid/overdue follow from amount_due and due_date.';

create index invoices_client_issue_idx on public.invoices (client_id, issue_date desc, number desc);
-- The unpaid and overdue lists read only documents with something due.
create index invoices_client_due_idx on public.invoices (client_id, due_date)
  where amount_due > 0 and status = 'sent' and not archived;

create table public.invoice_items (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete cascade,
  position integer not null default 0,
  description text not null check (length(btrim(description)) between 1 and 1000),
  quantity numeric(12, 3) not null default 1 check (quantity > 0),
  unit_price bigint not null check (unit_price >= 0),
  -- Percent, e.g. 20.000 for 20 %.
  tax_rate numeric(6, 3) not null default 0 check (tax_rate between 0 and 100),
  amount bigint generated always as (round(quantity * unit_price)::bigint) stored,
  tax_amount bigint generated always as (round(round(quantity * unit_price) * tax_rate / 100)::bigint) stored
);

create index invoice_items_invoice_idx on public.invoice_items (invoice_id, position);

/**
 * Money received for an invoice. Written only by the server (Stripe webhooks, the success page)
 * or by administrators; upserted on the Stripe ids, which are unique.
 */
create table public.payments (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  -- Copied from the invoice by a trigger, so policies need no join.
  client_id uuid not null references public.clients (id) on delete restrict,
  amount bigint not null check (amount > 0),
  amount_refunded bigint not null default 0,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  method text not null default 'card' check (method in ('card', 'bank_transfer', 'cash', 'cheque', 'other')),
  status public.payment_status not null default 'succeeded',
  stripe_payment_intent_id text unique,
  stripe_checkout_session_id text unique,
  stripe_charge_id text unique,
  -- Set when the payment needs an administrator's eye: it is never silently applied.
  flag text check (flag in ('overpayment', 'amount_mismatch', 'currency_mismatch')),
  paid_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payments_refund_within_amount check (amount_refunded between 0 and amount)
);

create index payments_invoice_idx on public.payments (invoice_id, paid_at);
create index payments_client_idx on public.payments (client_id);

-- Triggers ------------------------------------------------------------------------------------

create trigger touch_updated_at before update on public.invoices
  for each row execute function private.touch_updated_at();
create trigger touch_updated_at before update on public.payments
  for each row execute function private.touch_updated_at();

/**
 * Recomputes a document's subtotal and tax from its items, once per statement for every
 * document the statement touched, so bulk loads stay fast. Shared by invoices and quotes:
 * TG_ARGV[0] is the document table, TG_ARGV[1] the items' foreign key column.
 */
create or replace function private.refresh_document_totals() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  touched uuid[];
begin
  if tg_op = 'INSERT' then
    execute format('select array_agg(distinct %I) from new_items', tg_argv[1]) into touched;
  elsif tg_op = 'DELETE' then
    execute format('select array_agg(distinct %I) from old_items', tg_argv[1]) into touched;
  else
    execute format('select array_agg(distinct d) from (select %1$I as d from new_items
                    union select %1$I from old_items) t', tg_argv[1]) into touched;
  end if;
  execute format(
    'update public.%1$I doc
        set subtotal = coalesce(s.subtotal, 0), tax_total = coalesce(s.tax_total, 0)
       from unnest($1) as t(document_id)
       left join lateral (select sum(it.amount) as subtotal, sum(it.tax_amount) as tax_total
                            from public.%2$I it where it.%3$I = t.document_id) s on true
      where doc.id = t.document_id',
    tg_argv[0], tg_table_name, tg_argv[1]) using touched;
  return null;
end
$$;

create trigger refresh_totals_after_insert after insert on public.invoice_items
  referencing new table as new_items
  for each statement execute function private.refresh_document_totals('invoices', 'invoice_id');
create trigger refresh_totals_after_update after update on public.invoice_items
  referencing new table as new_items old table as old_items
  for each statement execute function private.refresh_document_totals('invoices', 'invoice_id');
create trigger refresh_totals_after_delete after delete on public.invoice_items
  referencing old table as old_items
  for each statement execute function private.refresh_document_totals('invoices', 'invoice_id');

/** Stamps sent_at when an invoice is sent and paid_at while nothing is due. */
create or replace function private.stamp_invoice_dates() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'sent' and new.sent_at is null then
    new.sent_at := now();
  end if;
  if new.status = 'sent' and new.amount_paid >= new.subtotal + new.tax_total then
    new.paid_at := coalesce(new.paid_at, now());
  else
    new.paid_at := null;
  end if;
  return new;
end
$$;

create trigger stamp_invoice_dates before insert or update on public.invoices
  for each row execute function private.stamp_invoice_dates();

/** Records "invoice sent" in the client's activity when an invoice becomes visible to it. */
create or replace function private.record_invoice_sent() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'sent' and (tg_op = 'INSERT' or old.status is distinct from 'sent') then
    perform private.record_activity(new.client_id, 'invoice_sent', 'invoice', new.id,
      format('Invoice %s was sent', new.number));
  end if;
  return null;
end
$$;

create trigger record_invoice_sent after insert or update of status on public.invoices
  for each row execute function private.record_invoice_sent();

/** A payment belongs to its invoice's client; copied so policies need no join. */
create or replace function private.set_payment_client() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select i.client_id into new.client_id from public.invoices i where i.id = new.invoice_id;
  return new;
end
$$;

create trigger set_payment_client before insert or update of invoice_id on public.payments
  for each row execute function private.set_payment_client();

/**
 * Keeps invoices.amount_paid equal to the settled payments less refunds; paid_at becomes the
 * time of the latest settled payment (stamp_invoice_dates clears it while something is due).
 * Payments flagged because their amount or currency is not what was asked do not count: they
 * wait for an administrator.
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
              and p.flag is distinct from 'amount_mismatch'
              and p.flag is distinct from 'currency_mismatch')
   where i.id in (
     select (case when tg_op = 'DELETE' then old else new end).invoice_id
     union
     select old.invoice_id where tg_op = 'UPDATE');
  return null;
end
$$;

create trigger refresh_invoice_amount_paid after insert or update or delete on public.payments
  for each row execute function private.refresh_invoice_amount_paid();

/** Payment received, refunded or flagged: the client's history says so. */
create or replace function private.record_payment_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice_number text := (select i.number from public.invoices i where i.id = new.invoice_id);
begin
  -- Amounts stay in details (minor units + currency) so pages format them per currency.
  if new.status in ('succeeded', 'partially_refunded', 'refunded')
     and (tg_op = 'INSERT' or old.status not in ('succeeded', 'partially_refunded', 'refunded')) then
    perform private.record_activity(new.client_id, 'payment_received', 'invoice', new.invoice_id,
      format('Payment received for invoice %s', invoice_number),
      jsonb_build_object('payment_id', new.id, 'amount', new.amount, 'currency', new.currency));
  end if;
  if new.flag is not null and (tg_op = 'INSERT' or old.flag is distinct from new.flag) then
    perform private.record_activity(new.client_id, 'payment_flagged', 'invoice', new.invoice_id,
      format('A payment for invoice %s needs review (%s)', invoice_number, replace(new.flag, '_', ' ')),
      jsonb_build_object('payment_id', new.id, 'flag', new.flag, 'amount', new.amount,
                         'currency', new.currency));
  end if;
  if tg_op = 'UPDATE' and new.amount_refunded > old.amount_refunded then
    perform private.record_activity(new.client_id, 'payment_refunded', 'invoice', new.invoice_id,
      format('Refund issued for invoice %s', invoice_number),
      jsonb_build_object('payment_id', new.id, 'amount', new.amount_refunded - old.amount_refunded,
                         'currency', new.currency));
  end if;
  return null;
end
$$;

create trigger record_payment_activity after insert or update on public.payments
  for each row execute function private.record_payment_activity();
