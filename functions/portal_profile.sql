/**
 * The signed-in client's contact details, and the business's, for the profile page (which says
 * whom to ask to change the email). Security invoker: RLS decides.
 */
create or replace function public.portal_profile() returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  profile jsonb;
begin
  select jsonb_build_object(
           'id', c.id, 'name', c.name, 'email', c.email, 'phone', c.phone,
           'address_line1', c.address_line1, 'address_line2', c.address_line2, 'city', c.city,
           'region', c.region, 'postal_code', c.postal_code, 'country', c.country)
    into profile
    from public.clients c
   where c.id = private.current_client_id();
  if profile is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  return jsonb_build_object(
    'client', profile,
    'business', (select jsonb_build_object(
                   'name', s.business_name, 'contact_email', s.contact_email,
                   'contact_phone', s.contact_phone)
                   from public.settings s));
end
$$;

revoke all on function public.portal_profile() from public, anon, authenticated, service_role;
grant execute on function public.portal_profile() to authenticated;
