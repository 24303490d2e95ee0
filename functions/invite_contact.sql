/** The owner invites a colleague: see private.manage_contact. The app then queues their link. */
create or replace function public.invite_contact(p_email text, p_name text, p_role text) returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.manage_contact('invite', null, p_email, p_name, p_role)
$$;

revoke all on function public.invite_contact(text, text, text) from public, anon, authenticated, service_role;
grant execute on function public.invite_contact(text, text, text) to authenticated;
