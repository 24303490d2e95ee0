/**
 * Records, once, that the signed-in client opened one of its invoices or quotes, so
 * administrators see it in the activity. Security definer (clients cannot write activity), so
 * it checks ownership itself: a document that is not the caller's visible one records nothing.
 */
create or replace function private.record_first_view(p_document_type text, p_document_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
  doc_number text;
begin
  if p_document_type = 'invoice' then
    select i.number into doc_number from public.invoices i
     where i.id = p_document_id and i.client_id = me and i.status <> 'draft' and not i.archived;
  elsif p_document_type = 'quote' then
    select q.number into doc_number from public.quotes q
     where q.id = p_document_id and q.client_id = me and q.status <> 'draft' and not q.archived;
  else
    raise exception 'Unknown document type "%".', p_document_type using errcode = '22023';
  end if;
  if doc_number is null or exists (
       select from public.activity a
        where a.client_id = me and a.subject_id = p_document_id
          and a.kind in ('invoice_viewed', 'quote_viewed')) then
    return false;
  end if;
  perform private.record_activity(me, (p_document_type || '_viewed')::public.activity_kind,
    p_document_type, p_document_id, format('%s %s was viewed for the first time',
      initcap(p_document_type), doc_number));
  return true;
end
$$;

revoke all on function private.record_first_view(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.record_first_view(text, uuid) to authenticated;
