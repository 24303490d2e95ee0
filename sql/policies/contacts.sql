/**
 * contacts: every contact of a client sees the client's people (who may do what); changes go
 * through invite_contact, change_contact_role and remove_contact only, which check the owner
 * role (private.require_role_for('manage_contacts')).
 */
revoke all on public.contacts from anon, authenticated;
grant select on public.contacts to authenticated;
alter table public.contacts enable row level security;

drop policy if exists "Contacts can view the people of their own client" on public.contacts;
create policy "Contacts can view the people of their own client"
  on public.contacts for select
  to authenticated
  using (client_id = (select private.current_client_id()));
