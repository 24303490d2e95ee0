/**
 * An invoice's or quote's PDF version (private.pdf_versions, raised by private.queue_pdf_renders
 * whenever something its PDF shows changes; 0 for a document that never changed since before
 * versions were kept), for whoever may know it: the document's own client (public.pdf_stamp,
 * after RLS has shown it the document) or the trusted server (service_role: the worker and the
 * emails, through private.email_document). Anyone else gets null. Security definer: the
 * versions are private.
 */
create or replace function private.pdf_version(p_kind text, p_document_id uuid) returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  allowed boolean := auth.role() = 'service_role';
  found_version bigint;
begin
  -- PL/pgSQL, not SQL: a definer SQL function with a search_path is re-planned on every call
  -- (several times the cost of the lookup); PL/pgSQL keeps its plans for the session.
  if not coalesce(allowed, false) then
    if p_kind = 'invoice' then
      allowed := exists (select from public.invoices i where i.id = p_document_id
                            and i.client_id = private.current_client_id());
    elsif p_kind = 'quote' then
      allowed := exists (select from public.quotes q where q.id = p_document_id
                            and q.client_id = private.current_client_id());
    end if;
    if not coalesce(allowed, false) then
      return null;
    end if;
  end if;
  select v.version into found_version from private.pdf_versions v
   where v.kind = p_kind and v.document_id = p_document_id;
  return coalesce(found_version, 0);
end
$$;

revoke all on function private.pdf_version(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.pdf_version(text, uuid) to authenticated;
