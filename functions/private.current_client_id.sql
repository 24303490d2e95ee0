/**
 * The signed-in client, or null. A request belongs to client X only when all of this holds:
 * - the verified JWT's email claim equals the email of one of X's contacts (ignoring case; an
 *   email is one contact's only), X has portal access and is not archived (never
 *   user_metadata: only the claims Auth signed);
 * - the session was made by the portal's own flow: its `amr` shows an email OTP or magic link
 *   (GoTrue's methods "otp" and "magiclink"; Postgres mode issues the same claim), and it is not
 *   anonymous. A GoTrue password sign-up or anonymous sign-in carrying a client's email (anyone
 *   holding the public anon key can make one) is nobody;
 * - the session is live: in the portal's private.sessions (Postgres mode) that contact's, not
 *   revoked nor past its end (a removed contact's sessions are gone), or in auth.sessions (Supabase mode) still present and not past not_after. Signing
 *   out therefore takes effect at once, with no extra request.
 *
 * Security definer because it must read clients and sessions past RLS (the policies themselves
 * call it).
 */
create or replace function private.current_client_id() returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.jwt();
  v_session_id uuid;
  v_client_id uuid;
begin
  -- PL/pgSQL, not SQL: a definer SQL function with a search_path cannot be inlined and is
  -- re-planned on every call; PL/pgSQL keeps its plans for the session.
  if claims is null or jsonb_typeof(claims) <> 'object'
     or coalesce(claims ->> 'is_anonymous', 'false') <> 'false'
     or jsonb_typeof(claims -> 'amr') is distinct from 'array'
     or not (claims -> 'amr' @> '[{"method": "otp"}]' or claims -> 'amr' @> '[{"method": "magiclink"}]')
     or coalesce(claims ->> 'session_id', '') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then
    return null;
  end if;
  v_session_id := (claims ->> 'session_id')::uuid;

  -- The session must be this contact's (Postgres mode) or this Auth user's (Supabase mode). An
  -- email is one contact's only, so each arm finds at most one client, and the second is read
  -- only when the first finds none. The Postgres-mode arm starts from the session's key: every
  -- page's policies call this, several times per statement, so each call is kept to key lookups.
  -- Two statements rather than one coalesce() of both: a statement sets up every subquery it
  -- holds on each call, and the Supabase arm's cost a quarter of a Postgres-mode call.
  v_client_id := (
    select c.id
      from private.sessions s
      join public.contacts k on k.id = s.contact_id
      join public.clients c on c.id = k.client_id
     where s.id = v_session_id
       and s.revoked_at is null and s.expires_at > now()
       and lower(k.email) = lower(claims ->> 'email')
       and c.portal_access
       and not c.archived);
  if v_client_id is not null then
    return v_client_id;
  end if;
  return (
    select c.id
      from public.contacts k
      join public.clients c on c.id = k.client_id
     where lower(k.email) = lower(claims ->> 'email')
       and c.portal_access
       and not c.archived
       and exists (select from auth.sessions a
                    where a.id = v_session_id and a.user_id::text = claims ->> 'sub'
                      and (a.not_after is null or a.not_after > now())));
end
$$;

revoke all on function private.current_client_id() from public, anon, authenticated, service_role;
grant execute on function private.current_client_id() to authenticated, service_role;
