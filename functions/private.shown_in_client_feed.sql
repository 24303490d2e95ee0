/**
 * Whether an activity entry belongs in the client's feed (Activity page, dashboard). Not the
 * "viewed for the first time" entries: they are for the business. Not the history of documents
 * the client cannot see (drafts, archived): their links would only lead to a 404.
 *
 * Security invoker: "can see" is decided by the invoices and quotes policies themselves, so
 * that rule stays in one place. A per-row test, so callers keep walking the activity index in
 * order and stop at their limit.
 */
create or replace function private.shown_in_client_feed(p_entry public.activity) returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select p_entry.kind not in ('invoice_viewed', 'quote_viewed')
     and case p_entry.subject_type
           when 'invoice' then exists (select from public.invoices i where i.id = p_entry.subject_id)
           when 'quote' then exists (select from public.quotes q where q.id = p_entry.subject_id)
           when 'payment' then exists (
             select from public.payments p join public.invoices i on i.id = p.invoice_id
              where p.id = p_entry.subject_id)
           else true
         end
$$;

revoke all on function private.shown_in_client_feed(public.activity) from public, anon;
grant execute on function private.shown_in_client_feed(public.activity) to authenticated;
