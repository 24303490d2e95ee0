/**
 * The worker's report on one email: sent, or failed with a reason. A failure is retried with
 * exponential backoff (1, 2, 4 ... minutes) and given up after 8 attempts. Service role only.
 */
create or replace function public.finish_outbox(p_id bigint, p_error text default null) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  update public.outbox o
     set status = case when p_error is null then 'sent'
                       when o.attempts >= 8 then 'failed'
                       else 'pending' end::public.outbox_status,
         sent_at = case when p_error is null then now() end,
         last_error = left(p_error, 1000),
         next_attempt_at = case when p_error is null then o.next_attempt_at
                                else now() + make_interval(mins => power(2, o.attempts - 1)::int) end
   where o.id = p_id
  returning jsonb_build_object('id', o.id, 'status', o.status, 'attempts', o.attempts)
$$;

revoke all on function public.finish_outbox(bigint, text) from public, anon, authenticated, service_role;
grant execute on function public.finish_outbox(bigint, text) to service_role;
