/**
 * The signed-in client's page version (private.page_version_of), null for anyone who is not a
 * signed-in client.
 *
 * A kept page's session check reads the same version for the client whose session it touched
 * (private.touch_current_session_for_page). Stable. Security definer: the versions are private.
 */
create or replace function private.page_version() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return private.page_version_of(private.current_client_id());
end
$$;

revoke all on function private.page_version() from public, anon, authenticated, service_role;
grant execute on function private.page_version() to authenticated;
