/**
 * The people of the signed-in person's client (RLS: the client's own), who is who, and what the
 * signed-in person's role lets them do (`may`), so pages offer only what the database allows.
 */
create or replace function public.portal_contacts() returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  me public.contacts := private.current_contact();
begin
  if me.id is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  return jsonb_build_object(
    'me', jsonb_build_object('id', me.id, 'name', me.name, 'email', me.email, 'role', me.role),
    'may', (select jsonb_object_agg(a, private.role_may(me.role, a))
              from unnest(array['pay', 'decide', 'book', 'edit_profile', 'manage_contacts']) a),
    'contacts', coalesce((
      select jsonb_agg(jsonb_build_object('id', k.id, 'name', k.name, 'email', k.email, 'role', k.role,
                                          'created_at', k.created_at, 'is_me', k.id = me.id)
                       order by k.role <> 'owner', lower(k.name))
        from public.contacts k), '[]'::jsonb));
end
$$;

revoke all on function public.portal_contacts() from public, anon, authenticated, service_role;
grant execute on function public.portal_contacts() to authenticated;
