/**
 * Issue 12: PDFs are rendered ahead of time, so a client's download is a cache hit.
 *
 * Triggers queue an invoice or quote whenever something its PDF shows may have changed: the
 * document, its lines, its payments and checkout attempts (the invoice's state), its client, or
 * the business's settings (every visible document). Only what clients can see is queued (sent,
 * not archived). The worker (`portal worker`, app/pdf/prerender.py) claims the queue and renders
 * each through the same path as the download and the emails, into the same cache. What the
 * calendar changes (an invoice turning overdue) is not a row change: such a download renders
 * once on the request path, as before.
 */
create table private.pdf_renders (
  kind text not null check (kind in ('invoice', 'quote')),
  document_id uuid not null,
  queued_at timestamptz not null default now(),
  primary key (kind, document_id)
);
comment on table private.pdf_renders is 'Invoices and quotes whose PDF the worker should render again.';
-- Only the worker's claim (a definer function) reads it; the trusted server gets what it gets
-- on every table.
alter table private.pdf_renders enable row level security;
revoke all on private.pdf_renders from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.pdf_renders to service_role;
create index pdf_renders_queued_idx on private.pdf_renders (queued_at);

/** Queues the visible invoices and quotes a changed row shows up in. */
create function private.queue_pdf_renders() returns trigger
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
    insert into private.pdf_renders as r (kind, document_id)
    select 'invoice', i.id from public.invoices i
     where i.id = changed_id and i.status = 'sent' and not i.archived
    on conflict on constraint pdf_renders_pkey do update set queued_at = now();
  elsif tg_table_name in ('quotes', 'quote_items') then
    insert into private.pdf_renders as r (kind, document_id)
    select 'quote', q.id from public.quotes q
     where q.id = changed_id and q.status = 'sent' and not q.archived
    on conflict on constraint pdf_renders_pkey do update set queued_at = now();
  else  -- clients (one client's documents) or settings (everyone's)
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

create trigger queue_pdf_renders after insert or update on public.invoices
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after insert or update on public.quotes
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after insert or update or delete on public.invoice_items
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after insert or update or delete on public.quote_items
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after insert or update or delete on public.payments
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after insert or update on public.checkout_sessions
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after update on public.clients
  for each row execute function private.queue_pdf_renders();
create trigger queue_pdf_renders after update on public.settings
  for each row execute function private.queue_pdf_renders();

-- What is visible now gets its PDF too.
insert into private.pdf_renders (kind, document_id)
select 'invoice', i.id from public.invoices i where i.status = 'sent' and not i.archived
union all
select 'quote', q.id from public.quotes q where q.status = 'sent' and not q.archived
on conflict do nothing;
