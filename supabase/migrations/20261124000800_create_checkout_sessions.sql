/**
 * Online payments: the Stripe Checkout Sessions the portal opened, so a second "Pay now"
 * reuses or expires the first and every payment can be checked against what was asked.
 */

-- Tables --------------------------------------------------------------------------------------

create table public.checkout_sessions (
  id text primary key check (id ~ '^cs_'),
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  client_id uuid not null references public.clients (id) on delete restrict,
  -- What the session asks for: the amount due when it was opened.
  amount bigint not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  status text not null default 'open' check (status in ('open', 'processing', 'complete', 'expired', 'failed')),
  -- The connected account the session was opened on (Stripe Connect), null for the platform.
  stripe_account text,
  url text not null,
  expires_at timestamptz not null,
  payment_intent_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index checkout_sessions_invoice_idx on public.checkout_sessions (invoice_id, created_at desc);
create index checkout_sessions_client_idx on public.checkout_sessions (client_id);

-- Triggers ------------------------------------------------------------------------------------

create trigger touch_updated_at before update on public.checkout_sessions
  for each row execute function private.touch_updated_at();

-- Private helpers -----------------------------------------------------------------------------

/** An amount for an email, in the currency's own minor unit: "USD 1,234.50", "JPY 1,235". */
create or replace function private.format_money(p_amount bigint, p_currency text) returns text
language sql
immutable
set search_path = ''
as $$
  select p_currency || ' ' || case
    -- Stripe's zero-decimal currencies.
    when p_currency in ('BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX',
                        'VND', 'VUV', 'XAF', 'XOF', 'XPF')
      then to_char(p_amount, 'FM999,999,999,999,990')
    else to_char(p_amount / 100.0, 'FM999,999,999,999,990.00')
  end
$$;
revoke all on function private.format_money(bigint, text) from public, anon, authenticated;
grant execute on function private.format_money(bigint, text) to service_role;
