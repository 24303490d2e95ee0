/**
 * The worker's share of the PDF queue, taken off it (private.claim_pdf_renders). Service role
 * only.
 */
create or replace function public.claim_pdf_renders(p_limit integer default 20) returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.claim_pdf_renders(p_limit)
$$;

revoke all on function public.claim_pdf_renders(integer) from public, anon, authenticated, service_role;
grant execute on function public.claim_pdf_renders(integer) to service_role;
