/**
 * A charge was refunded (fully or partly): the payment records the refunded total Stripe
 * reports, which restores the amount due (trigger) and appears in history and activity. A
 * refund of a payment not recorded yet waits for it (never dropped: the invoice would show
 * paid although the money went back). Each refund is emailed to the client and, when it wants
 * it, the business (queue_refund_emails).
 */
create or replace function private.record_refund(p_charge jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
  refunded bigint := (p_charge ->> 'amount_refunded')::bigint;
  card jsonb := p_charge -> 'payment_method_details' -> 'card';
begin
  select p.* into payment from public.payments p
   where p.stripe_payment_intent_id = p_charge ->> 'payment_intent' for update;
  if not found then
    return private.waiting_for_payment(p_charge);
  end if;
  -- Stripe reports the running total; an older event arriving late must not lower it, and a
  -- charge without the total says nothing.
  if refunded is null or refunded <= payment.amount_refunded then
    return jsonb_build_object('status', 'unchanged', 'payment_id', payment.id);
  end if;
  update public.payments
     set amount_refunded = least(refunded, amount),
         status = case when refunded >= amount then 'refunded' else 'partially_refunded' end::public.payment_status,
         stripe_charge_id = coalesce(stripe_charge_id, p_charge ->> 'id'),
         card_brand = coalesce(card_brand, card ->> 'brand'),
         card_last4 = coalesce(card_last4, card ->> 'last4')
   where id = payment.id;
  perform private.queue_refund_emails(payment.id, least(refunded, payment.amount) - payment.amount_refunded);
  return jsonb_build_object('status', 'refunded', 'payment_id', payment.id, 'amount_refunded', refunded);
end
$$;

revoke all on function private.record_refund(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.record_refund(jsonb) to service_role;
