/**
 * What opening a Checkout Session for an invoice needs, read by the service after the portal
 * has checked (as the client, under RLS) that the invoice is the client's: the amount due now,
 * the client's email, the connected Stripe account, and the session already open for this
 * invoice and amount, if any (a second "Pay now" reuses it rather than open another). Also
 * how many sessions were opened before, for the idempotency key. Service role only.
 */
create or replace function public.prepare_checkout(p_invoice_id uuid, p_now timestamptz default now())
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  inv public.invoices;
  open_session public.checkout_sessions;
begin
  select i.* into inv from public.invoices i where i.id = p_invoice_id;
  if not found then
    raise exception 'Invoice not found.' using errcode = 'P0002';
  end if;
  if inv.archived or inv.status <> 'sent' or inv.amount_due <= 0 then
    raise exception '%', case
      when inv.status = 'void' then format('Invoice %s is void and cannot be paid.', inv.number)
      when inv.status = 'draft' or inv.archived then format('Invoice %s cannot be paid online.', inv.number)
      else format('Invoice %s is already paid: nothing is due.', inv.number)
    end using errcode = '55000';
  end if;
  select s.* into open_session from public.checkout_sessions s
   where s.invoice_id = inv.id and s.status = 'open' and s.expires_at > p_now + interval '5 minutes'
   order by s.created_at desc limit 1;
  return jsonb_build_object(
    'invoice_id', inv.id, 'number', inv.number, 'client_id', inv.client_id,
    'email', (select c.email from public.clients c where c.id = inv.client_id),
    'amount_due', inv.amount_due, 'currency', inv.currency,
    'stripe_account', (select s.stripe_account_id from public.settings s),
    'sessions_before', (select count(*) from public.checkout_sessions s where s.invoice_id = inv.id),
    'open_session', case when open_session.id is null then null else jsonb_build_object(
      'id', open_session.id, 'url', open_session.url, 'amount', open_session.amount,
      'currency', open_session.currency, 'stripe_account', open_session.stripe_account) end);
end
$$;

revoke all on function public.prepare_checkout(uuid, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.prepare_checkout(uuid, timestamptz) to service_role;
