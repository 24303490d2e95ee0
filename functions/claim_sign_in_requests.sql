/**
 * Hands the worker up to p_limit due sign-in requests for addresses that may sign in (a client
 * with portal access, not archived), leasing each for p_lease_seconds so that another worker
 * (skip locked) or a restart does not send it twice meanwhile. Requests for any other address
 * are closed as not_allowed on the way: nothing is sent to them. Requests still unsent an hour
 * after they were made are abandoned, and handled requests are kept for a week.
 * Returns [{"id", "email" (the client's address as stored), "attempts"}]. Service role only.
 */
create or replace function public.claim_sign_in_requests(
  p_limit integer default 20,
  p_lease_seconds integer default 120,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  claimed jsonb;
begin
  delete from private.sign_in_requests r
   where r.status <> 'pending' and r.handled_at < p_now - interval '7 days';
  update private.sign_in_requests r
     set status = 'abandoned', handled_at = p_now
   where r.status = 'pending' and r.requested_at < p_now - interval '1 hour';

  -- Every due request for an address that may not sign in is closed here, whatever p_limit,
  -- so that they never crowd out the ones that wait for a link.
  update private.sign_in_requests r
     set status = 'not_allowed', handled_at = p_now
   where r.status = 'pending' and r.next_attempt_at <= p_now
     and not exists (select from public.contacts k join public.clients c on c.id = k.client_id
                      where lower(k.email) = r.email and c.portal_access and not c.archived);

  with due as (
    select r.id, k.email as client_email
      from private.sign_in_requests r
      join public.contacts k on lower(k.email) = r.email
      join public.clients c on c.id = k.client_id and c.portal_access and not c.archived
     where r.status = 'pending' and r.next_attempt_at <= p_now
     order by r.next_attempt_at, r.id
     limit p_limit
       for update of r skip locked),
  leased as (
    update private.sign_in_requests r
       set attempts = r.attempts + 1, next_attempt_at = p_now + make_interval(secs => p_lease_seconds)
      from due where r.id = due.id
    returning r.id, r.attempts, due.client_email)
  select coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'email', l.client_email, 'attempts', l.attempts)
                            order by l.id), '[]'::jsonb)
    into claimed
    from leased l;
  return claimed;
end
$$;

revoke all on function public.claim_sign_in_requests(integer, integer, timestamptz) from public, anon, authenticated;
grant execute on function public.claim_sign_in_requests(integer, integer, timestamptz) to service_role;
