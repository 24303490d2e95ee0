/**
 * Checks a portal session on each request and records the activity that keeps it alive. A
 * session ends when revoked (sign-out), after p_idle_seconds without a request, at its absolute
 * expiry, or as soon as the client loses portal access or is archived. Service role only.
 */
create or replace function public.touch_session(
  p_session_id uuid,
  p_idle_seconds integer default 1800,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  session private.sessions;
  client public.clients;
begin
  select s.* into session from private.sessions s where s.id = p_session_id;
  if not found or session.revoked_at is not null then
    return jsonb_build_object('status', 'revoked');
  end if;
  if session.expires_at <= p_now then
    return jsonb_build_object('status', 'expired');
  end if;
  if session.last_seen_at + make_interval(secs => p_idle_seconds) <= p_now then
    update private.sessions set revoked_at = p_now where id = session.id;
    return jsonb_build_object('status', 'idle');
  end if;
  select c.* into client from public.clients c where c.id = session.client_id;
  if not (client.portal_access and not client.archived) then
    update private.sessions set revoked_at = p_now where id = session.id;
    return jsonb_build_object('status', 'not_allowed');
  end if;
  -- Writing on every request would make each page a write; a minute of slack is plenty.
  if session.last_seen_at < p_now - interval '60 seconds' then
    update private.sessions set last_seen_at = p_now where id = session.id;
  end if;
  return jsonb_build_object('status', 'active', 'client_id', client.id, 'email', client.email,
                            'expires_at', session.expires_at);
end
$$;

revoke all on function public.touch_session(uuid, integer, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.touch_session(uuid, integer, timestamptz) to service_role;
