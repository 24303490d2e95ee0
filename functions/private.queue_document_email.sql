/**
 * Queues the email announcing a sent invoice or quote to its client: the kind (invoice_sent,
 * quote_sent) and which document; the worker reads the document when it sends (email_document),
 * so the email and its PDF show the items as they are then. Nothing for an archived client.
 * Called by the announce_invoice and announce_quote triggers only.
 */
create or replace function private.queue_document_email(p_table text, p_id uuid) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  kind text := case p_table when 'invoices' then 'invoice' when 'quotes' then 'quote' end;
begin
  if kind is null then
    raise exception 'Unknown document table: %', p_table using errcode = '22023';
  end if;
  insert into public.outbox (client_id, dedupe_key, to_email, kind, context)
  select c.id, kind || '_sent:' || p_id, c.email, kind || '_sent',
         jsonb_build_object('document_kind', kind, 'document_id', p_id)
    from public.clients c
   where c.id = case kind
                  when 'invoice' then (select i.client_id from public.invoices i where i.id = p_id)
                  else (select q.client_id from public.quotes q where q.id = p_id) end
     and not c.archived
  on conflict (dedupe_key) do nothing;
end
$$;

revoke all on function private.queue_document_email(text, uuid) from public, anon, authenticated, service_role;
