/**
 * Issued documents never change (issue 14). When an invoice or a quote leaves draft, the parties
 * (business and client: name, address, tax id) and the terms are copied onto it; pages and PDFs
 * print the copy, so a client editing its address or an administrator editing the settings
 * later touches no issued document. An issued invoice is corrected by voiding it and issuing
 * another.
 *
 * Sections: tables, triggers.
 */

-- Tables --------------------------------------------------------------------------------------

-- Tax identity (VAT/GST number) printed on documents.
alter table public.settings
  add column tax_id text check (length(tax_id) <= 40);
alter table public.clients
  add column tax_id text check (length(tax_id) <= 40);

alter table public.invoices
  -- {"business": {...}, "client": {...}, "terms": ...} as they were when the invoice was sent.
  add column issued_parties jsonb;
alter table public.quotes
  add column issued_parties jsonb;
comment on column public.invoices.issued_parties is
  'The business and client (name, address, tax id) and the terms, frozen when the invoice left draft.';
comment on column public.quotes.issued_parties is
  'The business and client (name, address, tax id) and the terms, frozen when the quote left draft.';

-- Triggers ------------------------------------------------------------------------------------

/** The parties of a document for a client, as they are now (read past RLS: the settings'
 *  columns a client cannot read are not copied). */
create function private.current_parties(p_client_id uuid, p_terms text) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'business', (select jsonb_build_object(
                   'name', s.business_name, 'address_line1', s.address_line1,
                   'address_line2', s.address_line2, 'city', s.city, 'region', s.region,
                   'postal_code', s.postal_code, 'country', s.country,
                   'contact_email', s.contact_email, 'contact_phone', s.contact_phone,
                   'tax_id', s.tax_id)
                   from public.settings s),
    'client', (select jsonb_build_object(
                 'name', c.name, 'email', c.email, 'address_line1', c.address_line1,
                 'address_line2', c.address_line2, 'city', c.city, 'region', c.region,
                 'postal_code', c.postal_code, 'country', c.country, 'tax_id', c.tax_id)
                 from public.clients c where c.id = p_client_id),
    'terms', p_terms)
$$;
revoke all on function private.current_parties(uuid, text) from public, anon, authenticated, service_role;

/**
 * Freezes the parties when a document leaves draft, and keeps them: an issued document's
 * parties and terms cannot be changed (void it and issue another). A document put back
 * to draft is not issued any more and is frozen again when it is sent.
 */
create function private.freeze_issued_parties() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'draft' then
    new.issued_parties := null;
    return new;
  end if;
  if tg_op = 'UPDATE' and old.status <> 'draft' and (
       (old.issued_parties is not null and new.issued_parties is distinct from old.issued_parties)
       or new.terms is distinct from old.terms) then
    raise exception '% % is issued: its parties and terms never change. Void it and issue another.',
      initcap(tg_argv[0]), old.number using errcode = '22023';
  end if;
  -- An administrator moving a document to another client bills that client from now on.
  if new.issued_parties is null or (tg_op = 'UPDATE' and new.client_id <> old.client_id) then
    new.issued_parties := private.current_parties(new.client_id, new.terms);
  end if;
  return new;
end
$$;
revoke all on function private.freeze_issued_parties() from public, anon, authenticated, service_role;

create trigger freeze_issued_parties before insert or update on public.invoices
  for each row execute function private.freeze_issued_parties('invoice');
create trigger freeze_issued_parties before insert or update on public.quotes
  for each row execute function private.freeze_issued_parties('quote');

-- Documents issued before this migration: frozen with the parties as they are today.
update public.invoices i set issued_parties = private.current_parties(i.client_id, i.terms)
 where i.status <> 'draft';
update public.quotes q set issued_parties = private.current_parties(q.client_id, q.terms)
 where q.status <> 'draft';
