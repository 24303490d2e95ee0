/**
 * The signed-in person's own live sessions (theirs, not their colleagues'), in whichever mode signed them in: the portal's
 * private.sessions (Postgres mode; those idle for p_idle_seconds are over even before the
 * next request marks them) and Supabase Auth's auth.sessions of the token's user (Supabase
 * mode; GoTrue updates `updated_at` when it refreshes a token, so "last active" is at most an
 * access token's lifetime old). `current` marks the session of this very request.
 *
 * Security definer: clients read neither table. It returns only rows of the caller, whose
 * identity private.current_client_id() has just checked.
 */
create or replace function private.caller_sessions(p_idle_seconds integer, p_now timestamptz default now())
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_contact_id uuid := (private.current_contact()).id;
  claims jsonb := auth.jwt();
begin
  if v_contact_id is null then
    raise exception 'Sign in to see your sessions.' using errcode = '42501';
  end if;
  return coalesce((
    select jsonb_agg(to_jsonb(s) order by s.current desc, s.last_active_at desc)
      from (select p.id, p.user_agent, p.created_at, p.last_seen_at as last_active_at,
                   p.id::text = claims ->> 'session_id' as current
              from private.sessions p
             where p.contact_id = v_contact_id and p.revoked_at is null and p.expires_at > p_now
               and p.last_seen_at + make_interval(secs => p_idle_seconds) > p_now
            union all
            select a.id, a.user_agent, a.created_at,
                   greatest(a.created_at, a.updated_at, a.refreshed_at at time zone 'UTC'),
                   a.id::text = claims ->> 'session_id'
              from auth.sessions a
             where a.user_id::text = claims ->> 'sub'
               and (a.not_after is null or a.not_after > p_now)) s), '[]'::jsonb);
end
$$;

revoke all on function private.caller_sessions(integer, timestamptz) from public, anon, authenticated, service_role;
grant execute on function private.caller_sessions(integer, timestamptz) to authenticated;
