/**
 * The lines of an invoice or a quote (p_kind 'invoice' or 'quote'), in their order, as
 * portal_invoice and portal_quote show them: one definition for both. Security invoker: the
 * caller's RLS on invoice_items/quote_items still decides.
 */
create or replace function private.document_items(p_kind text, p_document_id uuid) returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: its plan is kept for the session instead of made on every call.
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'id', it.id, 'description', it.description, 'quantity', it.quantity,
             'unit_price', it.unit_price, 'tax_rate', it.tax_rate, 'amount', it.amount,
             'tax_amount', it.tax_amount) order by it.position, it.id), '[]'::jsonb)
      from (select ii.id, ii.position, ii.description, ii.quantity, ii.unit_price, ii.tax_rate,
                   ii.amount, ii.tax_amount
              from public.invoice_items ii
             where p_kind = 'invoice' and ii.invoice_id = p_document_id
            union all
            select qi.id, qi.position, qi.description, qi.quantity, qi.unit_price, qi.tax_rate,
                   qi.amount, qi.tax_amount
              from public.quote_items qi
             where p_kind = 'quote' and qi.quote_id = p_document_id) it);
end
$$;

revoke all on function private.document_items(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.document_items(text, uuid) to authenticated, service_role;
