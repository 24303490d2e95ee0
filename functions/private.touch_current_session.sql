/**
 * The session check of a page, made in the page's own transaction (Postgres mode): the caller
 * is the signed-in client (role authenticated, its verified claims set), so the check, the
 * business profile's version and the page's data travel in one round trip. The deciding stays
 * in public.touch_session (one place for idle, expiry, revocation and portal access); the
 * session is the one named in the caller's claims, which only the server signs.
 * `profile_version` lets the process reuse its cached business profile until it changes.
 *
 * Security definer: touch_session reads and writes private.sessions, which clients cannot.
 */
create or replace function private.touch_current_session(
  p_idle_seconds integer,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session_id text := auth.jwt() ->> 'session_id';
begin
  if coalesce(session_id, '') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then
    return jsonb_build_object('status', 'revoked');
  end if;
  return public.touch_session(session_id::uuid, p_idle_seconds, p_now)
    || jsonb_build_object('profile_version', (select s.updated_at from public.settings s limit 1));
end
$$;

revoke all on function private.touch_current_session(integer, timestamptz) from public, anon, authenticated, service_role;
grant execute on function private.touch_current_session(integer, timestamptz) to authenticated;
