/**
 * Issue 12: the invoice and quote tabs count without scanning a client's whole history.
 *
 * Triggers keep, per client, how many visible documents sit in each state that does not change
 * with the calendar (invoices: paid, unpaid, void; quotes: their stored status). Drafts and
 * archived documents count nowhere, as clients never see them. What does depend on today's date
 * in the business's time zone (overdue invoices, sent quotes past their date) is counted when
 * asked, through partial indexes that hold only those candidates.
 */

create table private.client_document_counts (
  client_id uuid not null references public.clients (id) on delete cascade,
  document text not null check (document in ('invoice', 'quote')),
  bucket text not null,
  n bigint not null default 0 check (n >= 0),
  primary key (client_id, document, bucket)
);
comment on table private.client_document_counts is
  'Visible invoices and quotes per client and date-independent state, kept by triggers.';

-- Clients read it only through private.my_document_counts (definer); the trusted server gets
-- what it gets on every table.
alter table private.client_document_counts enable row level security;
revoke all on private.client_document_counts from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.client_document_counts to service_role;

/** The counter a document row adds to, or null when there is no row or clients do not see it. */
create function private.document_bucket(p_document text, p_status text, p_archived boolean,
                                        p_amount_due bigint)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_status is null or p_status = 'draft' or p_archived then null  -- no row, or hidden
    when p_document = 'quote' or p_status = 'void' then p_status
    when p_amount_due = 0 then 'paid'
    else 'unpaid'
  end
$$;
revoke all on function private.document_bucket(text, text, boolean, bigint) from public, anon, authenticated, service_role;

/** Moves a document between counters as it is inserted, changed or deleted. */
create function private.count_client_documents() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_document text := case tg_table_name when 'invoices' then 'invoice' else 'quote' end;
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  old_bucket text := private.document_bucket(v_document, old_row ->> 'status',
    (old_row ->> 'archived')::boolean, (old_row ->> 'amount_due')::bigint);
  new_bucket text := private.document_bucket(v_document, new_row ->> 'status',
    (new_row ->> 'archived')::boolean, (new_row ->> 'amount_due')::bigint);
begin
  if old_bucket is not distinct from new_bucket
     and old_row ->> 'client_id' is not distinct from new_row ->> 'client_id' then
    return null;
  end if;
  if old_bucket is not null then
    update private.client_document_counts
       set n = n - 1
     where client_id = (old_row ->> 'client_id')::uuid and document = v_document
       and bucket = old_bucket;
  end if;
  if new_bucket is not null then
    insert into private.client_document_counts as c (client_id, document, bucket, n)
    values ((new_row ->> 'client_id')::uuid, v_document, new_bucket, 1)
    on conflict (client_id, document, bucket) do update set n = c.n + 1;
  end if;
  return null;
end
$$;
revoke all on function private.count_client_documents() from public, anon, authenticated, service_role;

create trigger count_client_documents
  after insert or delete or update of client_id, status, archived, amount_paid, subtotal, tax_total
  on public.invoices
  for each row execute function private.count_client_documents();
create trigger count_client_documents
  after insert or delete or update of client_id, status, archived
  on public.quotes
  for each row execute function private.count_client_documents();

/** Recounts every client from scratch: the backfill below, and bulk loads made without
    triggers (bench/bench_rls.py). */
create function private.recount_client_documents() returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.client_document_counts;
  insert into private.client_document_counts (client_id, document, bucket, n)
  select client_id, 'invoice', private.document_bucket('invoice', status::text, archived, amount_due),
         count(*)
    from public.invoices
   where private.document_bucket('invoice', status::text, archived, amount_due) is not null
   group by 1, 2, 3
  union all
  select client_id, 'quote', private.document_bucket('quote', status::text, archived, null), count(*)
    from public.quotes
   where private.document_bucket('quote', status::text, archived, null) is not null
   group by 1, 2, 3;
$$;
revoke all on function private.recount_client_documents() from public, anon, authenticated, service_role;

select private.recount_client_documents();

-- The date-dependent subsets: sent quotes by their date (invoices_client_due_idx already holds
-- the unpaid invoices by due date).
create index quotes_client_sent_valid_idx on public.quotes (client_id, valid_until)
  where status = 'sent' and not archived;
