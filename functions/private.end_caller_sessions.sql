/**
 * Ends sessions of the caller: one of them (p_scope 'one', p_session_id), all but the current
 * one ('others') or all ('all', "sign out everywhere"). Postgres mode revokes rows of
 * private.sessions; Supabase mode deletes rows of auth.sessions, which GoTrue's foreign key
 * cascades to the session's refresh tokens, so that none of them obtains a token again, and
 * which private.current_client_id() stops accepting at once. Another person's session reads as
 * missing. Returns how many ended and whether the current one was among them.
 *
 * Security definer: clients write neither table; only the caller's own rows are touched.
 */
create or replace function private.end_caller_sessions(
  p_scope text,
  p_session_id uuid default null,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_contact_id uuid := (private.current_contact()).id;
  claims jsonb := auth.jwt();
  v_current uuid;
  v_ended uuid[];
begin
  if v_contact_id is null then
    raise exception 'Sign in to end your sessions.' using errcode = '42501';
  end if;
  if p_scope is null or p_scope not in ('one', 'others', 'all') or (p_scope = 'one') <> (p_session_id is not null) then
    raise exception 'Choose one session (with its id), the others or all.' using errcode = '22023';
  end if;
  v_current := (claims ->> 'session_id')::uuid;  -- a uuid: current_client_id checked it

  with portal as (
    update private.sessions p set revoked_at = p_now
     where p.contact_id = v_contact_id and p.revoked_at is null
       and case p_scope when 'one' then p.id = p_session_id
                        when 'others' then p.id <> v_current else true end
    returning p.id),
  supabase as (
    delete from auth.sessions a
     where a.user_id::text = claims ->> 'sub'
       and case p_scope when 'one' then a.id = p_session_id
                        when 'others' then a.id <> v_current else true end
    returning a.id)
  select array(select id from portal union all select id from supabase) into v_ended;

  if p_scope = 'one' and cardinality(v_ended) = 0 then
    raise exception 'That session has already ended.' using errcode = 'P0002';
  end if;
  return jsonb_build_object('ended', cardinality(v_ended), 'signed_out', v_current = any (v_ended));
end
$$;

revoke all on function private.end_caller_sessions(text, uuid, timestamptz) from public, anon, authenticated, service_role;
grant execute on function private.end_caller_sessions(text, uuid, timestamptz) to authenticated;
