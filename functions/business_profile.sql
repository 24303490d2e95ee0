/**
 * The business's public face: name, branding and contact details, for every page's layout and
 * for the sign-in pages (read as the service, before anyone is signed in). Never the Stripe
 * account. Security invoker: signed-in clients read it under the settings policy.
 */
create or replace function public.business_profile() returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'name', s.business_name, 'logo_url', s.logo_url, 'brand_primary', s.brand_primary,
    'brand_accent', s.brand_accent, 'contact_email', s.contact_email,
    'contact_phone', s.contact_phone, 'address_line1', s.address_line1,
    'address_line2', s.address_line2, 'city', s.city, 'region', s.region,
    'postal_code', s.postal_code, 'country', s.country, 'time_zone', s.time_zone,
    'default_currency', s.default_currency, 'partial_payments', s.partial_payments,
    'partial_payment_minimum', s.partial_payment_minimum, 'updated_at', s.updated_at)
    from public.settings s
$$;

revoke all on function public.business_profile() from public, anon, authenticated, service_role;
grant execute on function public.business_profile() to authenticated, service_role;
