/**
 * The signed-in client's dashboard in one call: outstanding balance per currency (with the
 * overdue part), the 5 latest invoices and quotes, and the 10 latest entries of the client's
 * feed (the rule portal_activity follows).
 * Security invoker: RLS decides what the client sees.
 */
create or replace function public.portal_dashboard() returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  today date := private.business_today();
  me uuid := private.current_client_id();
begin
  return jsonb_build_object(
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email)
                 from public.clients c where c.id = me),
    'outstanding', coalesce((
      select jsonb_agg(jsonb_build_object(
               'currency', o.currency, 'amount_due', o.amount_due, 'overdue', o.overdue,
               'invoices', o.invoices) order by o.currency)
        from (select i.currency,
                     sum(i.amount_due) as amount_due,
                     coalesce(sum(i.amount_due) filter (where i.due_date < today), 0) as overdue,
                     count(*) as invoices
                from public.invoices i
               where i.client_id = me and i.status = 'sent' and i.amount_due > 0
               group by i.currency) o), '[]'::jsonb),
    'invoices', coalesce((
      select jsonb_agg(private.invoice_summary(l.inv, today) order by l.issue_date desc, l.number desc)
        from (select i as inv, i.issue_date, i.number
                from public.invoices i
               where i.client_id = me
               order by i.issue_date desc, i.number desc
               limit 5) l), '[]'::jsonb),
    'quotes', coalesce((
      select jsonb_agg(private.quote_summary(l.quote, today) order by l.issue_date desc, l.number desc)
        from (select q as quote, q.issue_date, q.number
                from public.quotes q
               where q.client_id = me
               order by q.issue_date desc, q.number desc
               limit 5) l), '[]'::jsonb),
    'activity', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', a.id, 'kind', a.kind, 'summary', a.summary, 'subject_type', a.subject_type,
               'subject_id', a.subject_id, 'details', a.details, 'at', a.at) order by a.at desc, a.id desc)
        from (select * from public.activity a
               where a.client_id = me
                 -- The feed's rule, exactly as portal_activity has it (see there).
                 and a.kind not in ('invoice_viewed', 'quote_viewed')
                 and case a.subject_type
                       when 'invoice' then exists (select from public.invoices i where i.id = a.subject_id offset 0)
                       when 'quote' then exists (select from public.quotes q where q.id = a.subject_id offset 0)
                       when 'payment' then exists (
                         select from public.payments p join public.invoices i on i.id = p.invoice_id
                          where p.id = a.subject_id offset 0)
                       else true
                     end
               order by a.at desc, a.id desc
               limit 10) a), '[]'::jsonb)
  );
end
$$;

revoke all on function public.portal_dashboard() from public, anon, authenticated, service_role;
grant execute on function public.portal_dashboard() to authenticated;
