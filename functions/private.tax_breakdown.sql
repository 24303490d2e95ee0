/**
 * A document's tax by rate (the taxable amount and the tax at each rate), for documents that
 * carry several rates. Give the invoice's id or the quote's. Security invoker: the caller's RLS
 * decides which items it reads.
 */
create or replace function private.tax_breakdown(p_invoice_id uuid, p_quote_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: its plans are kept for the session instead of made on every call. One
  -- query per kind, not a union: see private.document_items (JIT on a switched-off branch).
  if p_invoice_id is not null then
    return (
      select coalesce(jsonb_agg(jsonb_build_object('rate', t.tax_rate, 'taxable', t.taxable, 'tax', t.tax)
                                order by t.tax_rate), '[]'::jsonb)
        from (select i.tax_rate, sum(i.amount) as taxable, sum(i.tax_amount) as tax
                from public.invoice_items i
               where i.invoice_id = p_invoice_id
               group by i.tax_rate) t);
  end if;
  return (
    select coalesce(jsonb_agg(jsonb_build_object('rate', t.tax_rate, 'taxable', t.taxable, 'tax', t.tax)
                              order by t.tax_rate), '[]'::jsonb)
      from (select q.tax_rate, sum(q.amount) as taxable, sum(q.tax_amount) as tax
              from public.quote_items q
             where q.quote_id = p_quote_id
             group by q.tax_rate) t);
end
$$;

revoke all on function private.tax_breakdown(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function private.tax_breakdown(uuid, uuid) to authenticated, service_role;
