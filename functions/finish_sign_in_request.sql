/**
 * The worker's report on one sign-in request: the link was sent (p_error null), or it failed
 * with a reason and is retried soon (30 s, 1, 2, 4 minutes, then every 5 minutes) until
 * claim_sign_in_requests abandons it an hour after it was made. Service role only.
 */
create or replace function public.finish_sign_in_request(
  p_id uuid,
  p_error text default null,
  p_now timestamptz default now()
) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  update private.sign_in_requests r
     set status = case when p_error is null then 'sent' else 'pending' end,
         handled_at = case when p_error is null then p_now end,
         last_error = left(p_error, 1000),
         next_attempt_at = case when p_error is null then r.next_attempt_at
                                else p_now + make_interval(secs => least(30 * power(2, r.attempts - 1), 300)) end
   where r.id = p_id and r.status = 'pending'
  returning jsonb_build_object('id', r.id, 'status', r.status, 'attempts', r.attempts)
$$;

revoke all on function public.finish_sign_in_request(uuid, text, timestamptz) from public, anon, authenticated;
grant execute on function public.finish_sign_in_request(uuid, text, timestamptz) to service_role;
