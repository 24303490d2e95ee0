/**
 * Records a sign-in link request and, when the address belongs to a client with portal access
 * and no limit is hit, stores the new link's hashes (voiding the client's older links).
 *
 * Service role only. The caller answers every address the same way whatever this returns;
 * the result only tells it whether to send an email. The limits are check_portal_access's.
 * p_now is the caller's clock (tests move it).
 */
create or replace function public.request_login_link(
  p_email text,
  p_ip inet,
  p_token_hash text,
  p_code_hash text,
  p_ttl_seconds integer default 86400,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  wanted_email text := lower(btrim(coalesce(p_email, '')));
  client public.clients;
  access jsonb;
begin
  if p_ttl_seconds not between 60 and 86400 then
    raise exception 'A sign-in link lives between 1 minute and 24 hours.' using errcode = '22023';
  end if;
  access := public.check_portal_access(wanted_email, p_ip, p_now);
  if access ->> 'status' <> 'allowed' then
    return access;
  end if;
  select c.* into client from public.clients c
   where lower(c.email) = wanted_email and c.portal_access and not c.archived;

  update private.login_links l set voided_at = p_now
   where l.client_id = client.id and l.used_at is null and l.voided_at is null;
  insert into private.login_links (client_id, token_hash, code_hash, created_at, expires_at)
  values (client.id, p_token_hash, p_code_hash, p_now, p_now + make_interval(secs => p_ttl_seconds));
  return jsonb_build_object('status', 'created', 'email', client.email, 'name', client.name);
end
$$;

revoke all on function public.request_login_link(text, inet, text, text, integer, timestamptz)
  from public, anon, authenticated, service_role;
grant execute on function public.request_login_link(text, inet, text, text, integer, timestamptz)
  to service_role;
