/**
 * The worker's read of a sent invoice or quote for its email (private.email_document): null when
 * it is no longer sent. Service role only.
 */
create or replace function public.email_document(p_kind text, p_id uuid) returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.email_document(p_kind, p_id)
$$;

revoke all on function public.email_document(text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.email_document(text, uuid) to service_role;
