/**
 * Issue 12: a cached PDF download reads a small stamp, not the whole document.
 *
 * Every invoice and quote has a PDF version, which the database raises whenever a row its PDF
 * shows changes: the document itself (its state, totals, parties and terms; payments, refunds and
 * shares update the invoice's row too), its lines, its payments and checkout attempts, and, for a
 * document that prints its client live (no parties frozen on it), its client. The settings are
 * not counted here: their own version (settings.updated_at) is part of the PDF's cache key.
 * A document's stamp (public.pdf_stamp: number, state for today, version) is then all a download
 * needs to find its PDF in the cache; the state is in it because the calendar changes it (an
 * invoice turning overdue, a quote expiring) without changing any row.
 *
 * The same trigger that queues renders (private.queue_pdf_renders, 20261129092923) raises the
 * versions, for every document it sees whatever its status, so a document is never shown under
 * the version of an older content. A version row is never deleted; a missing one reads as 0.
 */
create table private.pdf_versions (
  kind text not null check (kind in ('invoice', 'quote')),
  document_id uuid not null,
  version bigint not null default 1,
  primary key (kind, document_id)
);
comment on table private.pdf_versions is
  'How many times each invoice''s or quote''s PDF content changed: part of its PDF''s cache key.';
-- Only definer functions read it (private.pdf_version); the trusted server gets what it gets on
-- every table.
alter table private.pdf_versions enable row level security;
revoke all on private.pdf_versions from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.pdf_versions to service_role;

/** Raises the PDF versions of the documents a changed row shows up in, and queues the visible
 * ones for the worker to render. */
create or replace function private.queue_pdf_renders() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed jsonb := to_jsonb(coalesce(new, old));
  changed_id uuid;
begin
  if tg_table_name in ('invoices', 'quotes') then
    changed_id := (changed ->> 'id')::uuid;
  elsif tg_table_name in ('invoice_items', 'payments', 'checkout_sessions') then
    changed_id := (changed ->> 'invoice_id')::uuid;
  elsif tg_table_name = 'quote_items' then
    changed_id := (changed ->> 'quote_id')::uuid;
  end if;

  if tg_table_name in ('invoices', 'invoice_items', 'payments', 'checkout_sessions') then
    -- Any status: a draft's version counts too, so it is never reused once the draft is sent.
    -- A document deleted with its lines has no row left here, and gets no version.
    insert into private.pdf_versions as v (kind, document_id)
    select 'invoice', i.id from public.invoices i where i.id = changed_id
    on conflict on constraint pdf_versions_pkey do update set version = v.version + 1;
    insert into private.pdf_renders as r (kind, document_id)
    select 'invoice', i.id from public.invoices i
     where i.id = changed_id and i.status = 'sent' and not i.archived
    on conflict on constraint pdf_renders_pkey do update set queued_at = now();
  elsif tg_table_name in ('quotes', 'quote_items') then
    insert into private.pdf_versions as v (kind, document_id)
    select 'quote', q.id from public.quotes q where q.id = changed_id
    on conflict on constraint pdf_versions_pkey do update set version = v.version + 1;
    insert into private.pdf_renders as r (kind, document_id)
    select 'quote', q.id from public.quotes q
     where q.id = changed_id and q.status = 'sent' and not q.archived
    on conflict on constraint pdf_renders_pkey do update set queued_at = now();
  else  -- clients (one client's documents) or settings (everyone's)
    if tg_table_name = 'clients' then
      -- Only documents that print the client as it is now: an issued one prints its parties
      -- as they were when it was sent (issued_parties), whatever the client row says later.
      insert into private.pdf_versions as v (kind, document_id)
      select 'invoice', i.id from public.invoices i
       where i.client_id = (changed ->> 'id')::uuid and i.issued_parties -> 'client' is null
      union all
      select 'quote', q.id from public.quotes q
       where q.client_id = (changed ->> 'id')::uuid and q.issued_parties -> 'client' is null
      on conflict on constraint pdf_versions_pkey do update set version = v.version + 1;
    end if;
    insert into private.pdf_renders as r (kind, document_id)
    select 'invoice', i.id from public.invoices i
     where i.status = 'sent' and not i.archived
       and (tg_table_name = 'settings' or i.client_id = (changed ->> 'id')::uuid)
    union all
    select 'quote', q.id from public.quotes q
     where q.status = 'sent' and not q.archived
       and (tg_table_name = 'settings' or q.client_id = (changed ->> 'id')::uuid)
    on conflict on constraint pdf_renders_pkey do update set queued_at = now();
  end if;
  return null;
end
$$;
revoke all on function private.queue_pdf_renders() from public, anon, authenticated, service_role;

-- Every document the cache may already hold a PDF of starts at version 1: a new key for each,
-- so nothing cached before this migration is served under it.
insert into private.pdf_versions (kind, document_id)
select 'invoice', i.id from public.invoices i
union all
select 'quote', q.id from public.quotes q
on conflict do nothing;
