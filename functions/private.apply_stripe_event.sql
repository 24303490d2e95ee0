/**
 * What one Stripe event does, by type; the outcome's status says what happened, and
 * 'waiting' that the payment it is about is not recorded yet (the event is then applied when
 * it is: private.apply_waiting_stripe_events). Types we do not use are acknowledged.
 */
create or replace function private.apply_stripe_event(p_event jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  object jsonb := p_event -> 'data' -> 'object';
begin
  return case p_event ->> 'type'
    when 'checkout.session.completed' then
      case when object ->> 'payment_status' = 'paid' then private.record_checkout_payment(object)
           else private.set_checkout_status(object ->> 'id', 'processing') end
    when 'checkout.session.async_payment_succeeded' then private.record_checkout_payment(object)
    when 'checkout.session.async_payment_failed' then private.set_checkout_status(object ->> 'id', 'failed')
    when 'checkout.session.expired' then private.set_checkout_status(object ->> 'id', 'expired')
    when 'charge.succeeded' then private.record_charge(object)
    when 'charge.refunded' then private.record_refund(object)
    else jsonb_build_object('status', 'unhandled')  -- acknowledged: Stripe need not resend it
  end;
end
$$;

revoke all on function private.apply_stripe_event(jsonb) from public, anon, authenticated;
grant execute on function private.apply_stripe_event(jsonb) to service_role;
