/**
 * What `POST /login` does, for every address alike: applies the request limits and queues the
 * request for the worker. It never looks the address up, so neither its answer nor its timing
 * depends on whether the address is a client's; the worker decides that later.
 * Returns {"status": "queued"} or {"status": "rate_limited", "retry_after": seconds}.
 * Service role only. p_now is the caller's clock (tests move it).
 */
create or replace function public.request_sign_in(
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
  limited jsonb := private.sign_in_limit(wanted_email, p_ip, p_now);
begin
  if limited is not null then
    return limited;
  end if;
  insert into private.sign_in_requests (email, requested_at, next_attempt_at)
  values (wanted_email, p_now, p_now);
  return jsonb_build_object('status', 'queued');
end
$$;

revoke all on function public.request_sign_in(text, inet, timestamptz) from public, anon, authenticated;
grant execute on function public.request_sign_in(text, inet, timestamptz) to service_role;
