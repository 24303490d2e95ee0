/**
 * A charge succeeded: its payment keeps the card's brand and last four digits, for the client
 * to recognise it, and the charge id. Stripe may send this before the Checkout Session's
 * event: the payment is then not known yet and the event waits for it. A receipt still
 * waiting in the outbox gets the card too.
 */
create or replace function private.record_charge(p_charge jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  card jsonb := p_charge -> 'payment_method_details' -> 'card';
  payment public.payments;
begin
  select p.* into payment from public.payments p
   where p.stripe_payment_intent_id = p_charge ->> 'payment_intent' for update;
  if not found then
    return private.waiting_for_payment(p_charge);
  end if;
  update public.payments p
     set stripe_charge_id = coalesce(p.stripe_charge_id, p_charge ->> 'id'),
         card_brand = coalesce(card ->> 'brand', p.card_brand),
         card_last4 = coalesce(card ->> 'last4', p.card_last4)
   where p.id = payment.id
  returning p.* into payment;
  update public.outbox o
     set context = o.context || jsonb_build_object('card_brand', payment.card_brand,
                                                   'card_last4', payment.card_last4)
   where o.dedupe_key = 'payment_receipt:' || payment.id and o.status = 'pending';
  return jsonb_build_object('status', 'card_recorded', 'payment_id', payment.id);
end
$$;

revoke all on function private.record_charge(jsonb) from public, anon, authenticated;
grant execute on function private.record_charge(jsonb) to service_role;
