/**
 * The signed-in client updates its phone number and address; never its name or email. Every
 * field is given (an empty one is cleared), all are checked first, and a bad one changes
 * nothing: the error's message names the first problem and its detail lists every field's,
 * as JSON, for the form.
 */
create or replace function public.update_contact(
  p_phone text,
  p_address_line1 text,
  p_address_line2 text,
  p_city text,
  p_region text,
  p_postal_code text,
  p_country text
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
  new_phone text := nullif(btrim(p_phone), '');
  fields jsonb := jsonb_build_object(
    'address_line1', jsonb_build_array(nullif(btrim(p_address_line1), ''), 200, 'Address line 1'),
    'address_line2', jsonb_build_array(nullif(btrim(p_address_line2), ''), 200, 'Address line 2'),
    'city', jsonb_build_array(nullif(btrim(p_city), ''), 100, 'City'),
    'region', jsonb_build_array(nullif(btrim(p_region), ''), 100, 'State or region'),
    'postal_code', jsonb_build_array(nullif(btrim(p_postal_code), ''), 20, 'Postal code'),
    'country', jsonb_build_array(nullif(btrim(p_country), ''), 100, 'Country'));
  field record;
  errors jsonb := '{}';
begin
  if me is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  perform private.require_role_for('edit_profile');
  if new_phone is not null
     and (new_phone !~ '^\+?[0-9][0-9 ().-]{2,28}[0-9]( ?(x|ext\.?) ?[0-9]{1,6})?$' or length(new_phone) > 40) then
    errors := errors || jsonb_build_object('phone',
      'Phone number: use digits, spaces, + ( ) . - only, for example +1 555 010 2000.');
  end if;
  for field in select f.key, f.value ->> 0 as value, (f.value ->> 1)::int as max_length,
                      f.value ->> 2 as label
                 from jsonb_each(fields) f order by f.key loop
    if length(field.value) > field.max_length then
      errors := errors || jsonb_build_object(field.key,
        format('%s: at most %s characters.', field.label, field.max_length));
    elsif field.value ~ '[[:cntrl:]<>]' then
      errors := errors || jsonb_build_object(field.key,
        format('%s contains characters that cannot be used (< > or control characters).', field.label));
    end if;
  end loop;
  if errors <> '{}' then
    raise exception '%', (select e.value from jsonb_each_text(errors) e order by e.key limit 1)
      using errcode = '22023', detail = errors::text;
  end if;

  update public.clients c
     set phone = new_phone,
         address_line1 = fields -> 'address_line1' ->> 0,
         address_line2 = fields -> 'address_line2' ->> 0,
         city = fields -> 'city' ->> 0,
         region = fields -> 'region' ->> 0,
         postal_code = fields -> 'postal_code' ->> 0,
         country = fields -> 'country' ->> 0
   where c.id = me;
  return public.portal_profile();
end
$$;

revoke all on function public.update_contact(text, text, text, text, text, text, text) from public, anon, authenticated, service_role;
grant execute on function public.update_contact(text, text, text, text, text, text, text) to authenticated;
