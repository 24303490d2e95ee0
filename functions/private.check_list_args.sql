/**
 * The arguments of a document list (portal_invoices, portal_quotes): the filter must be one of
 * p_filters, and the page one a list could show; otherwise a message that names the choices.
 */
create or replace function private.check_list_args(p_kind text, p_status text, p_filters text[],
                                                   p_page integer, p_page_size integer) returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_status is null or not p_status = any (p_filters) then
    raise exception 'Unknown % filter "%": use % or %.', p_kind, p_status,
      array_to_string(p_filters[1:cardinality(p_filters) - 1], ', '), p_filters[cardinality(p_filters)]
      using errcode = '22023';
  end if;
  perform private.check_page(p_page, p_page_size);
end
$$;

revoke all on function private.check_list_args(text, text, text[], integer, integer) from public, anon, authenticated, service_role;
grant execute on function private.check_list_args(text, text, text[], integer, integer) to authenticated, service_role;
