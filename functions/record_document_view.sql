/**
 * The portal calls this when the signed-in client opens an invoice or quote: the first view is
 * recorded in activity (administrators see it); later ones, or documents that are not the
 * client's, record nothing. Returns whether this was the first view.
 */
create or replace function public.record_document_view(p_document_type text, p_document_id uuid)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select to_jsonb(private.record_first_view(p_document_type, p_document_id))
$$;

revoke all on function public.record_document_view(text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.record_document_view(text, uuid) to authenticated;
