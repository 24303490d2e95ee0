/**
 * Whether the address still belongs to a contact of a client with portal access, not archived. Supabase mode
 * asks it on each request, so switching access off ends a session at its next request (Postgres
 * mode's touch_session does the same). Service role only.
 */
create or replace function public.client_has_portal_access(p_email text) returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select to_jsonb(exists (
    select from public.contacts k join public.clients c on c.id = k.client_id
     where lower(k.email) = lower(btrim(p_email)) and c.portal_access and not c.archived))
$$;

revoke all on function public.client_has_portal_access(text) from public, anon, authenticated, service_role;
grant execute on function public.client_has_portal_access(text) to service_role;
