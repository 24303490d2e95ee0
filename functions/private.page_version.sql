/**
 * The signed-in client's page version: changes whenever anything the client's portal pages show
 * may have changed (their rows: private.page_versions, raised by private.raise_page_versions),
 * the business's date (the calendar turns invoices overdue and expires quotes) or the settings
 * (the layout's business profile). It starts with the client's id, so two clients' versions
 * never match. Null for anyone who is not a signed-in client.
 *
 * A page call sends the version of the page the process keeps and gets its data only when the
 * version differs (app/page_cache.py). Stable: in the page call's statement it reads the same
 * snapshot as the page's data. Security definer: the versions are private.
 */
create or replace function private.page_version() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
begin
  if me is null then
    return null;
  end if;
  return concat_ws('/', me,
    coalesce((select v.version from private.page_versions v where v.client_id = me), 0),
    private.business_today(),
    (select s.updated_at from public.settings s limit 1));
end
$$;

revoke all on function private.page_version() from public, anon, authenticated, service_role;
grant execute on function private.page_version() to authenticated;
