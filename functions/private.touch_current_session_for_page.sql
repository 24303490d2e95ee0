/**
 * A kept page's session check (Postgres mode, app/page_cache.py): private.touch_current_session,
 * then, for a session it leaves active, the page's version: private.page_version_of the client
 * the session belongs to, read after the touch (a session the touch has just ended has none),
 * returned with the check's state.
 *
 * That client is the one private.current_client_id() finds for the caller while the touch
 * leaves the session active: the claims are the server's own, signed for the session's contact
 * when it signed in (private.start_contact_session), and a session ends with its contact
 * (deleted with it) and as soon as the contact's email or client changes
 * (private.end_changed_contact_sessions). So the version is read without a third lookup of the
 * caller per request; whatever the page reads still goes through current_client_id and RLS.
 *
 * When that version is the one of the page the process keeps (p_kept_page_version), the
 * transaction-local setting portal.page_kept is 'on', and the page's calls that follow in the
 * same round trip do not run (app/data/postgres.py:KEPT_PAGE_CALL): an unchanged page is neither
 * read again nor are the calls that go with reading it made, and its version is read once. The
 * setting can only hold calls back, never show more: every call that runs still runs as the
 * caller, under RLS, and only while private.current_client_id() accepts the caller. A page's
 * data is read after its version, so it is never older than the version it is kept under.
 *
 * Security definer, like touch_current_session: it reads and writes the private sessions.
 */
create or replace function private.touch_current_session_for_page(
  p_idle_seconds integer,
  p_now timestamptz,
  p_kept_page_version text
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  state jsonb := private.touch_current_session(p_idle_seconds, p_now);
  version text;
begin
  if state ->> 'status' = 'active' then
    version := private.page_version_of((state ->> 'client_id')::uuid);
  end if;
  perform set_config('portal.page_kept', case when version = p_kept_page_version then 'on' else 'off' end, true);
  return state || jsonb_build_object('page_version', version);
end
$$;

revoke all on function private.touch_current_session_for_page(integer, timestamptz, text) from public, anon, authenticated, service_role;
grant execute on function private.touch_current_session_for_page(integer, timestamptz, text) to authenticated;
