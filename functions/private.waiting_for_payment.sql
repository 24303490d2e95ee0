/**
 * The outcome of a charge event whose PaymentIntent has no payment yet: handle_stripe_event
 * keeps the event as waiting, applied once the payment is recorded. A charge without a
 * PaymentIntent (not from Checkout) can never match one, and is only acknowledged.
 */
create or replace function private.waiting_for_payment(p_charge jsonb) returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case when p_charge ->> 'payment_intent' is null
              then jsonb_build_object('status', 'unhandled', 'reason', 'no payment_intent')
              else jsonb_build_object('status', 'waiting', 'waiting_for', p_charge ->> 'payment_intent') end
$$;

revoke all on function private.waiting_for_payment(jsonb) from public, anon, authenticated;
grant execute on function private.waiting_for_payment(jsonb) to service_role;
