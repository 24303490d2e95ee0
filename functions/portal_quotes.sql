/**
 * The signed-in client's quotes, newest first, filtered by all / pending / accepted / rejected /
 * expired, one page at a time, with the count for every filter (for the tabs).
 *
 * The filters are the quote's state as private.quote_summary gives it ("pending": sent and
 * still valid today in the business's time zone; "expired": past its date), so every quote is
 * in exactly one tab and the tabs add up to All. Drafts and archived quotes never show.
 * Security invoker: RLS decides what the client sees.
 */
create or replace function public.portal_quotes(
  p_status text default 'all',
  p_page integer default 1,
  p_page_size integer default 20
) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  today date := private.business_today();
  me uuid := private.current_client_id();
  result jsonb;
begin
  perform private.check_list_args('quote', p_status, array['all', 'pending', 'accepted', 'rejected', 'expired'], p_page, p_page_size);

  with mine as (
    select q as quote, q.issue_date, q.number
      from public.quotes q
     where q.client_id = me  -- lets the planner use the index; RLS enforces it regardless
  )
  select jsonb_build_object(
    'status', p_status,
    'page', p_page,
    'page_size', p_page_size,
    -- From the triggers' counters, plus the sent quotes already past their date, read through
    -- quotes_client_sent_valid_idx: the cost does not grow with the client's history.
    'counts', (select jsonb_build_object(
                 'all', n.sent + n.accepted + n.rejected + n.expired,
                 'pending', n.sent - n.sent_expired,
                 'accepted', n.accepted,
                 'rejected', n.rejected,
                 'expired', n.expired + n.sent_expired)
               from (select coalesce((c ->> 'sent')::bigint, 0) as sent,
                            coalesce((c ->> 'accepted')::bigint, 0) as accepted,
                            coalesce((c ->> 'rejected')::bigint, 0) as rejected,
                            coalesce((c ->> 'expired')::bigint, 0) as expired,
                            (select count(*) from public.quotes q
                              where q.client_id = me and q.status = 'sent' and not q.archived
                                and q.valid_until < today) as sent_expired
                       from private.my_document_counts('quote') c) n),
    'quotes', coalesce((
      select jsonb_agg(private.quote_summary(p.quote, today) order by p.issue_date desc, p.number desc)
        from (select m.quote, m.issue_date, m.number
                from mine m
               -- All: no state to work out, so the index walk stops at the page's end.
               where p_status = 'all' or p_status = private.quote_summary(m.quote, today) ->> 'state'
               order by m.issue_date desc, m.number desc
               limit p_page_size offset (p_page - 1)::bigint * p_page_size) p), '[]'::jsonb)
  ) into result;
  return result;
end
$$;

revoke all on function public.portal_quotes(text, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.portal_quotes(text, integer, integer) to authenticated;
