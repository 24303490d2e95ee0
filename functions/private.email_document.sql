/**
 * The worker's read of a sent invoice or quote for its email: the document as the client's page
 * shows it (portal_invoice/portal_quote, read as the owner), the client, and the stamp its PDF
 * is cached under (pdf_stamp), read in the same statement as the document, so a PDF rendered
 * from this document is never filed under a newer stamp; and the languages its people chose. Null when it is no longer sent (a draft
 * again, void, archived): then nothing goes out. Security definer, to read
 * the client's document past RLS as its page would; called through public.email_document.
 */
create or replace function private.email_document(p_kind text, p_id uuid) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  document_client uuid;
begin
  if p_kind = 'invoice' then
    select i.client_id into document_client from public.invoices i
     where i.id = p_id and i.status = 'sent' and not i.archived;
  elsif p_kind = 'quote' then
    select q.client_id into document_client from public.quotes q
     where q.id = p_id and q.status = 'sent' and not q.archived;
  else
    raise exception 'Unknown document kind: %', p_kind using errcode = '22023';
  end if;
  if document_client is null then
    return null;
  end if;
  return jsonb_build_object(
    'document', case p_kind when 'invoice' then public.portal_invoice(p_id) else public.portal_quote(p_id) end,
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email,
                 'address_line1', c.address_line1, 'address_line2', c.address_line2, 'city', c.city,
                 'region', c.region, 'postal_code', c.postal_code, 'country', c.country)
                 from public.clients c where c.id = document_client),
    'stamp', public.pdf_stamp(p_kind, p_id),
    -- The languages the client's people chose (account settings), for the worker to render the
    -- PDF in each of them ahead of their downloads.
    'languages', (select coalesce(jsonb_agg(distinct p.language), '[]'::jsonb)
                    from public.account_preferences p
                   where p.client_id = document_client and p.language is not null));
end
$$;

revoke all on function private.email_document(text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.email_document(text, uuid) to service_role;
