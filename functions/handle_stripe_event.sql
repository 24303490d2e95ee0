/**
 * Applies one verified Stripe event, exactly once: the event id is recorded in the same
 * transaction as its effects, so a redelivery finds it and changes nothing, concurrent
 * deliveries wait for each other, and a failure rolls both back (the webhook answers 5xx and
 * Stripe retries). An event about a payment not recorded yet is kept as waiting and applied
 * when the payment is recorded; it is never marked handled before. Events of another account
 * than the connected one (or of a connected account when none is configured) are ignored and
 * leave no trace. Service role only; the caller has verified the signature and the mode.
 */
create or replace function public.handle_stripe_event(p_event jsonb) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  result jsonb;
begin
  if p_event ->> 'account' is distinct from (select s.stripe_account_id from public.settings s) then
    return jsonb_build_object('status', 'ignored', 'reason', 'account');
  end if;
  insert into public.stripe_events (id, type, account, livemode, payload)
  values (p_event ->> 'id', p_event ->> 'type', p_event ->> 'account',
          coalesce((p_event ->> 'livemode')::boolean, false), p_event)
  on conflict (id) do nothing;
  if not found then
    return jsonb_build_object('status', 'duplicate');
  end if;

  result := private.apply_stripe_event(p_event);
  update public.stripe_events e
     set outcome = result,
         status = case when result ->> 'status' = 'waiting' then 'waiting'
                       when result ->> 'status' = 'unknown_invoice' then 'rejected'
                       else 'applied' end,
         waiting_for = result ->> 'waiting_for',
         processed_at = case when result ->> 'status' = 'waiting' then null else now() end
   where e.id = p_event ->> 'id';
  return result;
end
$$;

revoke all on function public.handle_stripe_event(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.handle_stripe_event(jsonb) to service_role;
