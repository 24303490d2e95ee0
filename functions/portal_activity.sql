/**
 * The signed-in client's account history, newest first, one page at a time: the entries
 * private.shown_in_client_feed() lets through. Security invoker: RLS decides.
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
  return jsonb_build_object(
    'page', p_page,
    'page_size', p_page_size,
    'total', (select count(*) from public.activity a
               where a.client_id = me and private.shown_in_client_feed(a)),
    'activity', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', a.id, 'kind', a.kind, 'summary', a.summary, 'subject_type', a.subject_type,
               'subject_id', a.subject_id, 'details', a.details, 'actor', a.actor, 'at', a.at,
               'person', a.person)
               order by a.at desc, a.id desc)
        from (select * from public.activity a
               where a.client_id = me and private.shown_in_client_feed(a)
               order by a.at desc, a.id desc
               limit p_page_size offset (p_page - 1)::bigint * p_page_size) a), '[]'::jsonb));
end
$$;

revoke all on function public.portal_activity(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.portal_activity(integer, integer) to authenticated;
