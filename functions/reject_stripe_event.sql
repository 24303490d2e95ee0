/**
 * Keeps a verified Stripe event that can never apply (its data breaks a rule of the database:
 * a malformed id, text Postgres cannot store), marked rejected with the reason, so an
 * administrator sees it and Stripe, answered 2xx, stops resending it. The caller has replaced
 * what Postgres cannot store (NUL characters). Service role only.
 */
create or replace function public.reject_stripe_event(p_event jsonb, p_reason text) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  insert into public.stripe_events (id, type, account, livemode, payload, status, outcome, processed_at)
  values (p_event ->> 'id', coalesce(p_event ->> 'type', 'unknown'), p_event ->> 'account',
          coalesce((p_event ->> 'livemode')::boolean, false), p_event, 'rejected',
          jsonb_build_object('status', 'rejected', 'reason', left(p_reason, 1000)), now())
  on conflict (id) do nothing
  returning jsonb_build_object('status', 'rejected', 'id', id)
$$;

revoke all on function public.reject_stripe_event(jsonb, text) from public, anon, authenticated;
grant execute on function public.reject_stripe_event(jsonb, text) to service_role;
