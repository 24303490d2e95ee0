/**
 * Tax identity, numbering and quote to invoice (issue 14).
 * - A document whose tax is zero because of a reverse charge or an exemption says so.
 * - Invoice and quote numbers come from a per-series counter (prefix and next number in the
 *   settings) whenever the number is left blank; optionally per year (PREFIX2026-0001), gapless
 *   (the counter moves in the transaction that uses it) and never reused (a number taken by hand
 *   is skipped).
 * - Accepting a quote can create its invoice (a draft, or sent) with the quote's items; the two
 *   link to each other.
 *
 * Sections: tables, triggers.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.invoices
  add column zero_tax_reason text check (zero_tax_reason in ('reverse_charge', 'exempt')),
  -- The quote this invoice was created from, when a client accepted it.
  add column quote_id uuid references public.quotes (id) on delete set null;
alter table public.quotes
  add column zero_tax_reason text check (zero_tax_reason in ('reverse_charge', 'exempt'));
comment on column public.invoices.zero_tax_reason is
  'Why no tax is charged: reverse_charge (the client accounts for it) or exempt; printed on the document.';

create unique index invoices_quote_key on public.invoices (quote_id) where quote_id is not null;

alter table public.settings
  add column invoice_prefix text not null default 'INV-' check (length(invoice_prefix) <= 20),
  add column invoice_next_number integer not null default 1 check (invoice_next_number > 0),
  add column quote_prefix text not null default 'Q-' check (length(quote_prefix) <= 20),
  add column quote_next_number integer not null default 1 check (quote_next_number > 0),
  -- Per year: numbers are PREFIX<year>-0001 and both counters start again at 1 each year.
  add column numbering_per_year boolean not null default false,
  add column numbering_year integer,
  -- What accepting a quote does: nothing, or create its invoice as a draft or sent.
  add column quote_acceptance_creates text not null default 'nothing'
    check (quote_acceptance_creates in ('nothing', 'draft', 'sent'));

-- Triggers ------------------------------------------------------------------------------------

/**
 * Gives a document left without a number the next one of its series. The settings row is locked
 * until the transaction ends, so two documents never draw the same number and a rolled-back one
 * gives its number back (gapless); a number already taken (typed by hand) is skipped, never reused.
 */
create function private.number_document() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  rules public.settings;
  this_year integer := extract(year from private.business_today())::integer;
  counter integer;
  candidate text;
begin
  if nullif(btrim(new.number), '') is not null then
    return new;
  end if;
  select s.* into rules from public.settings s for update;
  if rules.numbering_per_year and rules.numbering_year is distinct from this_year then
    update public.settings set invoice_next_number = 1, quote_next_number = 1, numbering_year = this_year;
    rules.invoice_next_number := 1;
    rules.quote_next_number := 1;
  end if;
  counter := case tg_table_name when 'invoices' then rules.invoice_next_number else rules.quote_next_number end;
  loop
    candidate := case tg_table_name when 'invoices' then rules.invoice_prefix else rules.quote_prefix end
                 || case when rules.numbering_per_year then this_year || '-' else '' end
                 || lpad(counter::text, 4, '0');
    exit when not exists (select from public.invoices i where i.number = candidate)
          and not exists (select from public.quotes q where q.number = candidate);
    counter := counter + 1;
  end loop;
  new.number := candidate;
  if tg_table_name = 'invoices' then
    update public.settings set invoice_next_number = counter + 1;
  else
    update public.settings set quote_next_number = counter + 1;
  end if;
  return new;
end
$$;
revoke all on function private.number_document() from public, anon, authenticated, service_role;

-- Named to run before freeze_issued_parties (triggers fire in name order): the number is set
-- first, then the document is frozen.
create trigger assign_number before insert on public.invoices
  for each row execute function private.number_document();
create trigger assign_number before insert on public.quotes
  for each row execute function private.number_document();

/**
 * A quote was accepted: when the settings say so, its invoice is created with its items, as a
 * draft or sent, numbered from the series, due in 30 days, linked to the quote.
 */
create function private.invoice_accepted_quote() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  creates text := (select s.quote_acceptance_creates from public.settings s);
  invoice_id uuid;
begin
  if creates = 'nothing' or exists (select from public.invoices i where i.quote_id = new.id) then
    return null;
  end if;
  insert into public.invoices (client_id, number, status, issue_date, due_date, currency, notes, terms,
                               zero_tax_reason, quote_id)
  values (new.client_id, null, creates::public.invoice_status, private.business_today(),
          private.business_today() + 30, new.currency, new.notes,
          coalesce(new.issued_parties ->> 'terms', new.terms), new.zero_tax_reason, new.id)
  returning id into invoice_id;
  insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate)
  select invoice_id, it.position, it.description, it.quantity, it.unit_price, it.tax_rate
    from public.quote_items it where it.quote_id = new.id;
  return null;
end
$$;
revoke all on function private.invoice_accepted_quote() from public, anon, authenticated, service_role;

create trigger invoice_accepted_quote after update of status on public.quotes
  for each row when (new.status = 'accepted' and old.status is distinct from 'accepted')
  execute function private.invoice_accepted_quote();
