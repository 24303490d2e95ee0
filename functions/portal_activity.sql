/**
 * The signed-in client's account history, newest first, one page at a time.
 *
 * The feed's rule (portal_dashboard shows its first entries by the same rule: keep the two the
 * same): not the "viewed for the first time" entries, which are for the business; not the
 * history of documents the client cannot see (drafts, archived), whose links would only lead to
 * a 404. "Can see" is decided by the invoices and quotes policies themselves, so that rule stays
 * in one place. The rule is written into each query rather than called per entry (a function
 * call per row cost more than the rest of the page): a per-row filter, so the walk down the
 * activity index stops at the page's end, and each `exists` reads one row by its key (`offset 0`
 * keeps the planner from hashing every invoice of a large client instead).
 * Security invoker: RLS decides.
 */
create or replace function public.portal_activity(p_page integer default 1, p_page_size integer default 25)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
begin
  perform private.check_page(p_page, p_page_size);
  return (
    with feed as not materialized (  -- written into each use below, as if spelt out twice
      select a.* from public.activity a
       where a.client_id = me
         and a.kind not in ('invoice_viewed', 'quote_viewed')
         and case a.subject_type
               when 'invoice' then exists (select from public.invoices i where i.id = a.subject_id offset 0)
               when 'quote' then exists (select from public.quotes q where q.id = a.subject_id offset 0)
               when 'payment' then exists (
                 select from public.payments p join public.invoices i on i.id = p.invoice_id
                  where p.id = a.subject_id offset 0)
               else true
             end
    )
    select jsonb_build_object(
      'page', p_page,
      'page_size', p_page_size,
      'total', (select count(*) from feed),
      'activity', coalesce((
        select jsonb_agg(jsonb_build_object(
                 'id', a.id, 'kind', a.kind, 'summary', a.summary, 'subject_type', a.subject_type,
                 'subject_id', a.subject_id, 'details', a.details, 'actor', a.actor, 'at', a.at,
                 'person', a.person)
                 order by a.at desc, a.id desc)
          from (select * from feed a
                 order by a.at desc, a.id desc
                 limit p_page_size offset (p_page - 1)::bigint * p_page_size) a), '[]'::jsonb)));
end
$$;

revoke all on function public.portal_activity(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.portal_activity(integer, integer) to authenticated;
