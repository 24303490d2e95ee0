/**
 * Quotes and their items. A client accepts or rejects a sent quote until its valid-until date;
 * the decision is stamped by the database, not by the caller.
 */

-- Types ---------------------------------------------------------------------------------------

create type public.quote_status as enum ('draft', 'sent', 'accepted', 'rejected', 'expired');

-- Tables --------------------------------------------------------------------------------------

create table public.quotes (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.clients (id) on delete restrict,
  number text not null unique check (length(number) between 1 and 40),
  status public.quote_status not null default 'draft',
  issue_date date not null default current_date,
  -- Last day (business time zone) on which the quote can be accepted.
  valid_until date not null default current_date + 30,
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  subtotal bigint not null default 0,
  tax_total bigint not null default 0,
  total bigint generated always as (subtotal + tax_total) stored,
  notes text check (length(notes) <= 4000),
  terms text check (length(terms) <= 4000),
  sent_at timestamptz,
  accepted_at timestamptz,
  -- The name the client typed as signature.
  accepted_by text check (length(btrim(accepted_by)) between 1 and 200),
  rejected_at timestamptz,
  rejected_by text check (length(btrim(rejected_by)) between 1 and 200),
  rejection_reason text check (length(rejection_reason) <= 2000),
  -- The signed-in email that made the decision (from the verified JWT).
  decided_by_email text,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint quotes_valid_after_issue check (valid_until >= issue_date),
  constraint quotes_accepted_is_signed check (
    status <> 'accepted' or (accepted_at is not null and accepted_by is not null)),
  constraint quotes_rejected_is_stamped check (status <> 'rejected' or rejected_at is not null)
);

create index quotes_client_issue_idx on public.quotes (client_id, issue_date desc, number desc);

create table public.quote_items (
  id uuid primary key default gen_random_uuid(),
  quote_id uuid not null references public.quotes (id) on delete cascade,
  position integer not null default 0,
  description text not null check (length(btrim(description)) between 1 and 1000),
  quantity numeric(12, 3) not null default 1 check (quantity > 0),
  unit_price bigint not null check (unit_price >= 0),
  tax_rate numeric(6, 3) not null default 0 check (tax_rate between 0 and 100),
  amount bigint generated always as (round(quantity * unit_price)::bigint) stored,
  tax_amount bigint generated always as (round(round(quantity * unit_price) * tax_rate / 100)::bigint) stored
);

create index quote_items_quote_idx on public.quote_items (quote_id, position);

-- Triggers ------------------------------------------------------------------------------------

create trigger touch_updated_at before update on public.quotes
  for each row execute function private.touch_updated_at();

create trigger refresh_totals_after_insert after insert on public.quote_items
  referencing new table as new_items
  for each statement execute function private.refresh_document_totals('quotes', 'quote_id');
create trigger refresh_totals_after_update after update on public.quote_items
  referencing new table as new_items old table as old_items
  for each statement execute function private.refresh_document_totals('quotes', 'quote_id');
create trigger refresh_totals_after_delete after delete on public.quote_items
  referencing old table as old_items
  for each statement execute function private.refresh_document_totals('quotes', 'quote_id');

/**
 * Stamps the decision. A client cannot choose when it accepted: the time is the database's,
 * and so is the signed-in email.
 */
create or replace function private.stamp_quote_decision() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'sent' and new.sent_at is null then
    new.sent_at := now();
  end if;
  if tg_op = 'UPDATE' and new.status is distinct from old.status
     and new.status in ('accepted', 'rejected') then
    if auth.role() = 'authenticated' then
      new.decided_by_email := auth.email();
      if new.status = 'accepted' then new.accepted_at := now(); else new.rejected_at := now(); end if;
    else
      new.accepted_at := case when new.status = 'accepted' then coalesce(new.accepted_at, now()) end;
      new.rejected_at := case when new.status = 'rejected' then coalesce(new.rejected_at, now()) end;
    end if;
  end if;
  return new;
end
$$;

create trigger stamp_quote_decision before insert or update on public.quotes
  for each row execute function private.stamp_quote_decision();

/** Quote sent, accepted or rejected: the client's history says so. */
create or replace function private.record_quote_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  case new.status
    when 'sent' then
      perform private.record_activity(new.client_id, 'quote_sent', 'quote', new.id,
        format('Quote %s was sent', new.number));
    when 'accepted' then
      perform private.record_activity(new.client_id, 'quote_accepted', 'quote', new.id,
        format('Quote %s was accepted by %s', new.number, new.accepted_by));
    when 'rejected' then
      perform private.record_activity(new.client_id, 'quote_rejected', 'quote', new.id,
        format('Quote %s was rejected', new.number),
        jsonb_build_object('reason', new.rejection_reason));
    else
      null;
  end case;
  return null;
end
$$;

create trigger record_quote_activity after insert or update of status on public.quotes
  for each row execute function private.record_quote_activity();
