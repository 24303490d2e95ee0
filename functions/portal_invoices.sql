/**
 * The signed-in client's invoices, newest first, filtered by all / paid / unpaid / overdue, one
 * page at a time, with the count for every filter (for the tabs).
 *
 * "unpaid": something is due, overdue ones included; "overdue": something is due and the due
 * date is before today in the business's time zone. Drafts and archived invoices never show.
 * Security invoker: RLS decides what the client sees.
 */
create or replace function public.portal_invoices(
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
  perform private.check_list_args('invoice', p_status, array['all', 'paid', 'unpaid', 'overdue'], p_page, p_page_size);

  with mine as (
    select i as inv,
           i.issue_date,
           i.number,
           i.status = 'sent' and i.amount_due = 0 as is_paid,
           i.status = 'sent' and i.amount_due > 0 as is_unpaid,
           i.status = 'sent' and i.amount_due > 0 and i.due_date < today as is_overdue
      from public.invoices i
     where i.client_id = me  -- lets the planner use the index; RLS enforces it regardless
  )
  select jsonb_build_object(
    'status', p_status,
    'page', p_page,
    'page_size', p_page_size,
    -- From the triggers' counters, plus the overdue subset read by due date through
    -- invoices_client_due_idx: the cost does not grow with the client's history.
    'counts', (select jsonb_build_object(
                 'all', coalesce((c ->> 'paid')::bigint, 0) + coalesce((c ->> 'unpaid')::bigint, 0)
                        + coalesce((c ->> 'void')::bigint, 0),
                 'paid', coalesce((c ->> 'paid')::bigint, 0),
                 'unpaid', coalesce((c ->> 'unpaid')::bigint, 0),
                 'overdue', (select count(*) from public.invoices i
                              where i.client_id = me and i.amount_due > 0 and i.status = 'sent'
                                and not i.archived and i.due_date < today))
               from private.my_document_counts('invoice') c),
    'invoices', coalesce((
      select jsonb_agg(private.invoice_summary(p.inv, today) order by p.issue_date desc, p.number desc)
        from (select m.inv, m.issue_date, m.number
                from mine m
               where case p_status
                       when 'paid' then m.is_paid
                       when 'unpaid' then m.is_unpaid
                       when 'overdue' then m.is_overdue
                       else true
                     end
               order by m.issue_date desc, m.number desc
               limit p_page_size offset (p_page - 1)::bigint * p_page_size) p), '[]'::jsonb)
  ) into result;
  return result;
end
$$;

revoke all on function public.portal_invoices(text, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.portal_invoices(text, integer, integer) to authenticated;
