/**
 * A client's page version (what private.page_version() returns to the signed-in client, and
 * private.touch_current_session_for_page to a kept page's session check): it changes whenever
 * anything the client's portal pages show may have changed (their rows: private.page_versions,
 * raised by private.raise_page_versions), the business's date (the calendar turns invoices
 * overdue and expires quotes) or the settings (the layout's business profile). It starts with
 * the client's id, so two clients' versions never match.
 *
 * Executable by no one but its owner's definer functions: it tells any client's version.
 */
create or replace function private.page_version_of(p_client_id uuid) returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_client_id is null then
    return null;
  end if;
  return concat_ws('/', p_client_id,
    coalesce((select v.version from private.page_versions v where v.client_id = p_client_id), 0),
    private.business_today(),
    (select s.updated_at from public.settings s limit 1));
end
$$;

revoke all on function private.page_version_of(uuid) from public, anon, authenticated, service_role;
