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
  -- PL/pgSQL, not SQL: its plans are kept for the session instead of made on every call. One
  -- query per kind, not a union with a branch switched off: a custom plan still costs the
  -- switched-off branch (a scan of every line of the other kind), and that cost set off JIT
  -- compilation (half a second) on each of a connection's first five calls.
  if p_kind = 'invoice' then
    return (
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', ii.id, 'description', ii.description, 'quantity', ii.quantity,
               'unit_price', ii.unit_price, 'tax_rate', ii.tax_rate, 'amount', ii.amount,
               'tax_amount', ii.tax_amount) order by ii.position, ii.id), '[]'::jsonb)
        from public.invoice_items ii
       where ii.invoice_id = p_document_id);
  end if;
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'id', qi.id, 'description', qi.description, 'quantity', qi.quantity,
             'unit_price', qi.unit_price, 'tax_rate', qi.tax_rate, 'amount', qi.amount,
             'tax_amount', qi.tax_amount) order by qi.position, qi.id), '[]'::jsonb)
      from public.quote_items qi
     where p_kind = 'quote' and qi.quote_id = p_document_id);
end
$$;

revoke all on function private.document_items(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.document_items(text, uuid) to authenticated, service_role;
