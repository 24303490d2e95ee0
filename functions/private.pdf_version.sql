/**
 * An invoice's or quote's PDF version (private.pdf_versions, raised by private.queue_pdf_renders
 * whenever something its PDF shows changes): 0 when it never changed since it was created before
 * versions were kept. Security definer, as the versions are private; it reveals a counter and
 * nothing else, and its only caller, public.pdf_stamp, asks it only about a document RLS has
 * already shown the caller.
 */
create or replace function private.pdf_version(p_kind text, p_document_id uuid) returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select v.version from private.pdf_versions v
                    where v.kind = p_kind and v.document_id = p_document_id), 0)
$$;

revoke all on function private.pdf_version(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.pdf_version(text, uuid) to authenticated;
