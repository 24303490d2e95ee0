/** The owner removes a colleague, whose sessions end at once: see private.manage_contact. */
create or replace function public.remove_contact(p_contact_id uuid) returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.manage_contact('remove', p_contact_id)
$$;

revoke all on function public.remove_contact(uuid) from public, anon, authenticated, service_role;
grant execute on function public.remove_contact(uuid) to authenticated;
