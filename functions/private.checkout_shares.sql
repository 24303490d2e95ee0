/**
 * The split of a Checkout Session paying several invoices, from the metadata the portal gave it
 * ("shares": "<invoice id>:<amount>,..." in the order paid) as [{"invoice_id", "amount"}]; null
 * for a session paying one invoice. The metadata is the portal's own, signed back by Stripe, so
 * a payment whose webhook comes before the session is saved is still split.
 */
create or replace function private.checkout_shares(p_metadata jsonb) returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_agg(jsonb_build_object('invoice_id', split_part(t.share, ':', 1)::uuid,
                                      'amount', split_part(t.share, ':', 2)::bigint) order by t.position)
    from unnest(string_to_array(nullif(p_metadata ->> 'shares', ''), ',')) with ordinality as t(share, position)
$$;

revoke all on function private.checkout_shares(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.checkout_shares(jsonb) to service_role;
