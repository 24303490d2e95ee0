/**
 * settings: clients read the public columns (branding, contact, time zone, currency); the
 * Stripe Connect account stays server-only. Nobody writes through the API: administrators edit
 * the row in the Supabase dashboard.
 */
revoke all on public.settings from anon, authenticated;
grant select (id, business_name, logo_url, brand_primary, brand_accent, contact_email,
              contact_phone, address_line1, address_line2, city, region, postal_code, country,
              time_zone, default_currency, portal_base_url, tax_id, partial_payments,
              partial_payment_minimum, quote_deposit_percent, updated_at)
  on public.settings to authenticated;
alter table public.settings enable row level security;

drop policy if exists "Signed-in clients can view the business settings" on public.settings;
create policy "Signed-in clients can view the business settings"
  on public.settings for select
  to authenticated
  using ((select private.current_client_id()) is not null);
