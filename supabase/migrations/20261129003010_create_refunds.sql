/**
 * Receipts and refunds (issue 14). Every payment already has a receipt number; money given back
 * gets its own rows and numbers (RF-000042), so a refund has a line in the invoice's history and
 * a document of its own. Rows are written by a trigger whenever a payment's refunded total goes
 * up, whoever records it (the webhook, an administrator).
 *
 * Sections: tables, grants, triggers.
 */

-- Tables --------------------------------------------------------------------------------------

create sequence public.refund_numbers;

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id) on delete cascade,
  -- Copied from the payment by the trigger, so the policy needs no join.
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  client_id uuid not null references public.clients (id) on delete restrict,
  amount bigint not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  refund_number text not null unique,
  refunded_at timestamptz not null default now()
);
comment on table public.refunds is
  'Money given back on a payment, one row per refund; written by a trigger on payments.';

create index refunds_payment_idx on public.refunds (payment_id, refunded_at);
create index refunds_client_idx on public.refunds (client_id);
create index refunds_invoice_idx on public.refunds (invoice_id);

-- Grants --------------------------------------------------------------------------------------

alter table public.refunds enable row level security;
revoke all on public.refunds from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.refunds to service_role;
-- Numbers are drawn by the definer trigger below; no API role touches the sequence.
revoke all on sequence public.refund_numbers from public, anon, authenticated, service_role;

-- Triggers ------------------------------------------------------------------------------------

/** A payment's refunded total went up: the difference is one refund, numbered. */
create function private.record_refund_row() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.refunds (payment_id, invoice_id, client_id, amount, currency, refund_number)
  values (new.id, new.invoice_id, new.client_id, new.amount_refunded - old.amount_refunded,
          new.currency, 'RF-' || lpad(nextval('public.refund_numbers')::text, 6, '0'));
  return null;
end
$$;
revoke all on function private.record_refund_row() from public, anon, authenticated, service_role;

create trigger record_refund_row after update of amount_refunded on public.payments
  for each row when (new.amount_refunded > old.amount_refunded)
  execute function private.record_refund_row();

-- Refunds recorded before this migration: one row each, dated by the payment's last change.
insert into public.refunds (payment_id, invoice_id, client_id, amount, currency, refund_number, refunded_at)
select p.id, p.invoice_id, p.client_id, p.amount_refunded, p.currency,
       'RF-' || lpad(nextval('public.refund_numbers')::text, 6, '0'), p.updated_at
  from public.payments p
 where p.amount_refunded > 0
 order by p.updated_at, p.id;
