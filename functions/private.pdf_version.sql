/**
 * An invoice's or quote's PDF version (private.pdf_versions, raised by private.queue_pdf_renders
 * whenever something its PDF shows changes; 0 for a document that never changed since before
 * versions were kept), for whoever may know it: the document's own client (public.pdf_stamp,
 * after RLS has shown it the document) or the trusted server (service_role: the worker and the
 * emails, through private.email_document). Anyone else gets null. Security definer: the
 * versions are private.
 */
create or replace function private.pdf_version(p_kind text, p_document_id uuid) returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(v.version, 0)
    from (select) asked
    left join private.pdf_versions v on v.kind = p_kind and v.document_id = p_document_id
   where auth.role() = 'service_role'
      or (p_kind = 'invoice' and exists (
            select from public.invoices i
             where i.id = p_document_id and i.client_id = private.current_client_id()))
      or (p_kind = 'quote' and exists (
            select from public.quotes q
             where q.id = p_document_id and q.client_id = private.current_client_id()))
$$;

revoke all on function private.pdf_version(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.pdf_version(text, uuid) to authenticated;
