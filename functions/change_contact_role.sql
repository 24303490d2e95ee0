/** The owner changes a colleague's role: see private.manage_contact. */
create or replace function public.change_contact_role(p_contact_id uuid, p_role text) returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.manage_contact('role', p_contact_id, null, null, p_role)
$$;

revoke all on function public.change_contact_role(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.change_contact_role(uuid, text) to authenticated;
