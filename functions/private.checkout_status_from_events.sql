/**
 * The state a Checkout Session is in according to what has already been recorded about it (a
 * payment, or Stripe events that arrived before the portal saved the session); 'open' when
 * nothing is known. The furthest state wins, as in set_checkout_status: complete, then
 * failed or expired, then processing.
 */
create or replace function private.checkout_status_from_events(p_session_id text) returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select 'complete' where exists (
       select from public.payments p where p.stripe_checkout_session_id = p_session_id)),
    (select case e.type
              when 'checkout.session.async_payment_succeeded' then 'complete'
              when 'checkout.session.async_payment_failed' then 'failed'
              when 'checkout.session.expired' then 'expired'
              else 'processing' end
       from public.stripe_events e
      where e.object_id = p_session_id
        and e.type in ('checkout.session.completed', 'checkout.session.async_payment_succeeded',
                       'checkout.session.async_payment_failed', 'checkout.session.expired')
      order by case e.type when 'checkout.session.completed' then 1 else 0 end
      limit 1),
    'open')
$$;

revoke all on function private.checkout_status_from_events(text) from public, anon, authenticated;
grant execute on function private.checkout_status_from_events(text) to service_role;
