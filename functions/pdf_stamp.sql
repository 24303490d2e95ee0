/**
 * What a document's PDF is filed under in the cache (app/pdf/views.py:stamp_key), for the
 * signed-in client: the document's number, its state today (the calendar turns an invoice
 * overdue or a quote expired without changing a row) and its PDF version (private.pdf_version).
 * One index lookup, no lines: a cached download reads only this. RLS decides exactly as for
 * portal_invoice and portal_quote: another client's document, a draft or an archived one raises
 * what a missing one does (not found), so the stamp is what authorises a download from the cache.
 * The worker and the emails get the same stamp with the document (private.email_document).
 */
create or replace function public.pdf_stamp(p_kind text, p_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  stamp jsonb;
begin
  if p_kind = 'invoice' then
    select jsonb_build_object(
             'kind', 'invoice', 'id', i.id, 'number', i.number,
             'state', private.invoice_summary(i, private.business_today()) ->> 'state',
             'version', private.pdf_version('invoice', i.id))
      into stamp
      from public.invoices i where i.id = p_id;  -- RLS filters
    if stamp is null then
      raise exception 'Invoice not found.' using errcode = 'P0002';
    end if;
  elsif p_kind = 'quote' then
    select jsonb_build_object(
             'kind', 'quote', 'id', q.id, 'number', q.number,
             'state', private.quote_summary(q, private.business_today()) ->> 'state',
             'version', private.pdf_version('quote', q.id))
      into stamp
      from public.quotes q where q.id = p_id;  -- RLS filters
    if stamp is null then
      raise exception 'Quote not found.' using errcode = 'P0002';
    end if;
  else
    raise exception 'Unknown document kind: %', p_kind using errcode = '22023';
  end if;
  return stamp;
end
$$;

revoke all on function public.pdf_stamp(text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.pdf_stamp(text, uuid) to authenticated;
