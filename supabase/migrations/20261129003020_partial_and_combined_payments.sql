/**
 * Pay your way (issue 14). The business may allow partial payments (on or off, a minimum); a
 * client may pay several unpaid invoices of one currency with one Checkout, the payment split
 * across them in shares that add up to it. A payment without shares pays its own invoice, as
 * before; a payment with shares pays each share's invoice its share (refunds come off the last
 * shares first). The amount due never goes below zero, and money beyond it is recorded and
 * flagged as an overpayment, never lost.
 *
 * Sections: tables, grants, triggers.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.settings
  add column partial_payments boolean not null default false,
  -- In the invoice's minor units; a client paying less than the whole amount due pays at least this.
  add column partial_payment_minimum bigint not null default 0 check (partial_payment_minimum >= 0);
comment on column public.settings.partial_payments is
  'When on, clients may pay less than the amount due (at least partial_payment_minimum).';

alter table public.checkout_sessions
  -- A session paying several invoices: [{"invoice_id": ..., "amount": ...}], in the order paid.
  add column shares jsonb check (shares is null or jsonb_typeof(shares) = 'array');

/** What part of a payment went to which invoice, when one payment paid several. */
create table public.payment_shares (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id) on delete cascade,
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  -- Copied from the invoice by a trigger, so the policy needs no join.
  client_id uuid not null references public.clients (id) on delete restrict,
  -- Order of the split (oldest invoice first, or as the client chose); refunds undo the last first.
  position integer not null check (position > 0),
  amount bigint not null check (amount > 0),
  unique (payment_id, invoice_id),
  unique (payment_id, position)
);

create index payment_shares_invoice_idx on public.payment_shares (invoice_id);
create index payment_shares_client_idx on public.payment_shares (client_id);

-- Grants --------------------------------------------------------------------------------------

alter table public.payment_shares enable row level security;
revoke all on public.payment_shares from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.payment_shares to service_role;

-- Triggers ------------------------------------------------------------------------------------

/** A share belongs to its invoice's client, which must be the payment's client. */
create function private.set_share_client() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select i.client_id into new.client_id from public.invoices i where i.id = new.invoice_id;
  if new.client_id is distinct from (select p.client_id from public.payments p where p.id = new.payment_id) then
    raise exception 'A payment can only be shared among its own client''s invoices.' using errcode = '23514';
  end if;
  return new;
end
$$;
revoke all on function private.set_share_client() from public, anon, authenticated, service_role;

create trigger set_share_client before insert or update on public.payment_shares
  for each row execute function private.set_share_client();

/** At commit: a payment's shares, when it has any, add up to the payment. */
create function private.check_shares_add_up() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment uuid := case when tg_table_name = 'payments' then new.id
                       else (case when tg_op = 'DELETE' then old else new end).payment_id end;
  shared bigint := (select sum(s.amount) from public.payment_shares s where s.payment_id = payment);
  paid bigint := (select p.amount from public.payments p where p.id = payment);
begin
  if shared is not null and shared is distinct from paid then
    raise exception 'The shares of a payment add up to %, not to the payment''s %.', shared, paid
      using errcode = '23514';
  end if;
  return null;
end
$$;
revoke all on function private.check_shares_add_up() from public, anon, authenticated, service_role;

create constraint trigger shares_add_up after insert or update or delete on public.payment_shares
  deferrable initially deferred
  for each row execute function private.check_shares_add_up();
create constraint trigger shares_add_up after update of amount on public.payments
  deferrable initially deferred
  for each row execute function private.check_shares_add_up();

/**
 * What an invoice has been paid: settled payments less refunds, counted when they are not
 * flagged (or flagged only as an overpayment). A payment without shares pays its own invoice;
 * one with shares pays each share, its refunds taken off the last shares first.
 */
create function private.invoice_amount_paid(p_invoice_id uuid, out amount_paid bigint, out paid_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(l.amount), 0), max(l.paid_at)
    from (
      select p.amount - p.amount_refunded as amount, p.paid_at
        from public.payments p
       where p.invoice_id = p_invoice_id
         and p.status in ('succeeded', 'partially_refunded', 'refunded')
         and (p.flag is null or p.flag = 'overpayment')
         and not exists (select from public.payment_shares s where s.payment_id = p.id)
      union all
      select s.amount - least(s.amount, greatest(0, p.amount_refunded - coalesce((
               select sum(later.amount) from public.payment_shares later
                where later.payment_id = s.payment_id and later.position > s.position), 0))),
             p.paid_at
        from public.payment_shares s
        join public.payments p on p.id = s.payment_id
       where s.invoice_id = p_invoice_id
         and p.status in ('succeeded', 'partially_refunded', 'refunded')
         and (p.flag is null or p.flag = 'overpayment')) l
$$;
revoke all on function private.invoice_amount_paid(uuid) from public, anon, authenticated, service_role;

/** Recomputes amount_paid (and paid_at) of the given invoices. */
create function private.refresh_amount_paid_of(p_invoice_ids uuid[]) returns void
language sql
security definer
set search_path = ''
as $$
  update public.invoices i
     set (amount_paid, paid_at) = (select t.amount_paid, t.paid_at from private.invoice_amount_paid(i.id) t)
   where i.id = any(p_invoice_ids)
$$;
revoke all on function private.refresh_amount_paid_of(uuid[]) from public, anon, authenticated, service_role;

/** The amount_paid rule (replaces 20261129000900's): a payment changed, so did its invoices. */
create or replace function private.refresh_invoice_amount_paid() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment uuid := (case when tg_op = 'DELETE' then old else new end).id;
begin
  perform private.refresh_amount_paid_of(array(
    select (case when tg_op = 'DELETE' then old else new end).invoice_id
    union select old.invoice_id where tg_op = 'UPDATE'
    union select s.invoice_id from public.payment_shares s where s.payment_id = payment));
  return null;
end
$$;

/** A share was added or removed: its invoice (and the payment's own) are paid differently. */
create function private.refresh_shared_invoices() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  share public.payment_shares := case when tg_op = 'DELETE' then old else new end;
begin
  perform private.refresh_amount_paid_of(array(
    select share.invoice_id
    union select old.invoice_id where tg_op = 'UPDATE'
    union select p.invoice_id from public.payments p where p.id = share.payment_id));
  return null;
end
$$;
revoke all on function private.refresh_shared_invoices() from public, anon, authenticated, service_role;

create trigger refresh_shared_invoices after insert or update or delete on public.payment_shares
  for each row execute function private.refresh_shared_invoices();
