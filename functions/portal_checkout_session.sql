/**
 * One of the signed-in client's Checkout Sessions as the portal stored it (RLS: another
 * client's, or one never opened by the portal, reads as not found): the success page trusts
 * its invoice, not the metadata Stripe echoes back, and shows a failure as a failure. The
 * invoice (as portal_invoice shows it) and the account the session was opened on come along,
 * so the page needs no other read before asking Stripe.
 */
create or replace function public.portal_checkout_session(p_session_id text) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  stored public.checkout_sessions;
begin
  select s.* into stored from public.checkout_sessions s where s.id = p_session_id;
  if not found then
    raise exception 'Payment session not found.' using errcode = 'P0002';
  end if;
  return jsonb_build_object('id', stored.id, 'invoice_id', stored.invoice_id, 'status', stored.status,
                            'amount', stored.amount, 'currency', stored.currency,
                            'stripe_account', stored.stripe_account,
                            'invoice', public.portal_invoice(stored.invoice_id));
end
$$;

revoke all on function public.portal_checkout_session(text) from public, anon;
grant execute on function public.portal_checkout_session(text) to authenticated;
