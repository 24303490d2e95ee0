/**
 * The sign-in request limits, in one place: one link per address per 60 s, and 30 requests per
 * IP per hour, counted for every address asked for, known or not, so the limits themselves
 * reveal nothing. Returns null and records the request when it is within the limits, else
 * {"status": "rate_limited", "retry_after": <seconds until a request would be accepted>}.
 * Called by request_sign_in (service role) only.
 */
create or replace function private.sign_in_limit(p_email text, p_ip inet, p_now timestamptz)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  last_for_address timestamptz;
  oldest_counted_for_ip timestamptz;
begin
  perform pg_advisory_xact_lock(hashtextextended('login:' || p_email, 0));
  select max(r.at) into last_for_address from private.login_requests r
   where lower(r.email) = p_email and r.at > p_now - interval '60 seconds';
  if last_for_address is not null then
    return jsonb_build_object('status', 'rate_limited', 'retry_after',
      greatest(1, ceil(extract(epoch from last_for_address + interval '60 seconds' - p_now))::int));
  end if;
  if p_ip is not null then
    -- The 30th most recent request from this IP within the hour: once it is an hour old, the
    -- IP may ask again.
    select r.at into oldest_counted_for_ip from private.login_requests r
     where r.ip = p_ip and r.at > p_now - interval '1 hour'
     order by r.at desc offset 29 limit 1;
    if oldest_counted_for_ip is not null then
      return jsonb_build_object('status', 'rate_limited', 'retry_after',
        greatest(1, ceil(extract(epoch from oldest_counted_for_ip + interval '1 hour' - p_now))::int));
    end if;
  end if;
  insert into private.login_requests (email, ip, at) values (p_email, p_ip, p_now);
  return null;
end
$$;

revoke all on function private.sign_in_limit(text, inet, timestamptz) from public, anon, authenticated;
grant execute on function private.sign_in_limit(text, inet, timestamptz) to service_role;
