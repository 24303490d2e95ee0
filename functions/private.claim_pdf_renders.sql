/**
 * The worker's share of the PDF queue (private.pdf_renders), oldest first, taken off it: a
 * render that fails is only a cache miss later (the download renders it). SKIP LOCKED lets
 * several workers share the queue. Security definer: the queue is private; called through
 * public.claim_pdf_renders. Service role only.
 */
create or replace function private.claim_pdf_renders(p_limit integer default 20) returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  with claimed as (
    delete from private.pdf_renders r
     where (r.kind, r.document_id) in (
             select q.kind, q.document_id from private.pdf_renders q
              order by q.queued_at
              limit greatest(least(p_limit, 100), 1)
                for update skip locked)
    returning r.kind, r.document_id, r.queued_at)
  select coalesce(jsonb_agg(jsonb_build_object('kind', c.kind, 'id', c.document_id)
                            order by c.queued_at), '[]'::jsonb)
    from claimed c
$$;

revoke all on function private.claim_pdf_renders(integer) from public, anon, authenticated, service_role;
grant execute on function private.claim_pdf_renders(integer) to service_role;
