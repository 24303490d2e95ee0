/**
 * Applies one verified Stripe event, exactly once: the event id is recorded in the same
 * transaction as its effects, so a redelivery finds it and changes nothing, concurrent
 * deliveries wait for each other, and a failure rolls both back (the webhook answers 5xx and
 * Stripe retries). Events of another account than the connected one (or of a connected
 * account when none is configured) are ignored and leave no trace. Service role only; the
 * caller has verified the signature and the mode.
 */
create or replace function public.handle_stripe_event(p_event jsonb) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  object jsonb := p_event -> 'data' -> 'object';
  outcome jsonb;
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

  outcome := case p_event ->> 'type'
    when 'checkout.session.completed' then
      case when object ->> 'payment_status' = 'paid' then private.record_checkout_payment(object)
           else private.set_checkout_status(object ->> 'id', 'processing') end
    when 'checkout.session.async_payment_succeeded' then private.record_checkout_payment(object)
    when 'checkout.session.async_payment_failed' then private.set_checkout_status(object ->> 'id', 'failed')
    when 'checkout.session.expired' then private.set_checkout_status(object ->> 'id', 'expired')
    when 'charge.refunded' then private.record_refund(object)
    else jsonb_build_object('status', 'unhandled')  -- acknowledged: Stripe need not resend it
  end;
  update public.stripe_events set processed_at = now() where id = p_event ->> 'id';
  return outcome;
end
$$;

revoke all on function public.handle_stripe_event(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.handle_stripe_event(jsonb) to service_role;
