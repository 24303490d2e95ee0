/**
 * Whether an address belongs to a client with portal access (not archived), after the request
 * limits: one link per address per 60 s and 30 requests per IP per hour, counted for every
 * address asked for, known or not, so the limits themselves reveal nothing. Supabase mode asks
 * this before Supabase Auth sends a link; request_login_link builds on it.
 * Service role only; the caller answers every address the same way whatever this returns.
 */
create or replace function public.check_portal_access(
  p_email text,
  p_ip inet default null,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  wanted_email text := lower(btrim(coalesce(p_email, '')));
begin
  perform pg_advisory_xact_lock(hashtextextended('login:' || wanted_email, 0));
  if exists (select from private.login_requests r
              where lower(r.email) = wanted_email and r.at > p_now - interval '60 seconds') then
    return jsonb_build_object('status', 'rate_limited', 'retry_after', 60);
  end if;
  if p_ip is not null and (select count(*) from private.login_requests r
                            where r.ip = p_ip and r.at > p_now - interval '1 hour') >= 30 then
    return jsonb_build_object('status', 'rate_limited', 'retry_after', 3600);
  end if;
  insert into private.login_requests (email, ip, at) values (wanted_email, p_ip, p_now);
  return jsonb_build_object('status', case when exists (
    select from public.clients c where lower(c.email) = wanted_email and c.portal_access and not c.archived)
    then 'allowed' else 'not_allowed' end);
end
$$;

revoke all on function public.check_portal_access(text, inet, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.check_portal_access(text, inet, timestamptz) to service_role;
