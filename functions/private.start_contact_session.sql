/**
 * Opens a server-side session for the contact whose sign-in link (or code) was just used, once
 * more checking the client may sign in: access could have been switched off since the link was
 * sent. Returns what the caller puts in the session JWT: the contact's own email, which
 * identity maps back to the contact.
 */
create or replace function private.start_contact_session(
  p_contact_id uuid,
  p_lifetime_seconds integer,
  p_user_agent text,
  p_now timestamptz
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  contact public.contacts;
  session private.sessions;
begin
  select k.* into contact from public.contacts k join public.clients c on c.id = k.client_id
   where k.id = p_contact_id and c.portal_access and not c.archived;
  if not found then
    return jsonb_build_object('status', 'not_allowed');
  end if;
  insert into private.sessions (client_id, contact_id, created_at, last_seen_at, expires_at, user_agent)
  values (contact.client_id, contact.id, p_now, p_now, p_now + make_interval(secs => p_lifetime_seconds),
          left(p_user_agent, 500))
  returning * into session;
  return jsonb_build_object(
    'status', 'signed_in', 'session_id', session.id, 'client_id', contact.client_id,
    'contact_id', contact.id, 'email', contact.email, 'name', contact.name,
    'expires_at', session.expires_at);
end
$$;

revoke all on function private.start_contact_session(uuid, integer, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function private.start_contact_session(uuid, integer, text, timestamptz) to service_role;
