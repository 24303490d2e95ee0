/**
 * One of the signed-in client's quotes with its items and decision. Another client's quote, a
 * draft or an archived one raises exactly what a missing one does: not found.
 */
create or replace function public.portal_quote(p_quote_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  q public.quotes;
begin
  select qt.* into q from public.quotes qt where qt.id = p_quote_id;  -- RLS filters
  if not found then
    raise exception 'Quote not found.' using errcode = 'P0002';
  end if;
  return private.quote_summary(q, private.business_today()) || jsonb_build_object(
    'status', q.status,
    'subtotal', q.subtotal,
    'tax_total', q.tax_total,
    'notes', q.notes,
    -- Issued documents print the parties and terms frozen when they were sent.
    'terms', coalesce(q.issued_parties ->> 'terms', q.terms),
    'parties', q.issued_parties,
    'tax_breakdown', private.tax_breakdown(null, q.id),
    'zero_tax_reason', q.zero_tax_reason,
    -- The invoice accepting it created (RLS: only once it is sent).
    'invoice', (select jsonb_build_object('id', i.id, 'number', i.number, 'currency', i.currency,
                                          'deposit_due', private.deposit_due(i.id))
                  from public.invoices i where i.quote_id = q.id),
    'sent_at', q.sent_at,
    'accepted_at', q.accepted_at,
    'accepted_by', q.accepted_by,
    'rejected_at', q.rejected_at,
    'rejected_by', q.rejected_by,
    'rejection_reason', q.rejection_reason,
    'updated_at', q.updated_at,
    'items', private.document_items('quote', q.id)
  );
end
$$;

revoke all on function public.portal_quote(uuid) from public, anon, authenticated, service_role;
grant execute on function public.portal_quote(uuid) to authenticated;
