/**
 * A session is its contact's as the contact was when it signed in: changing a contact's email or
 * moving it to another client signs that person out (Postgres mode's sessions; in Supabase mode
 * the identity is the GoTrue user's email, which private.current_client_id() maps to a contact
 * on every request). private.current_client_id() already stopped accepting such a session (its
 * email no longer matches, or it finds the other client); ending it says so, and lets a kept
 * page's session check read the page version of the session's own client
 * (private.touch_current_session_for_page).
 */
create or replace function private.end_changed_contact_sessions() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.sessions s set revoked_at = now()
   where s.contact_id = new.id and s.revoked_at is null;
  return null;
end
$$;
revoke all on function private.end_changed_contact_sessions() from public, anon, authenticated, service_role;

create trigger end_changed_contact_sessions after update of email, client_id on public.contacts
  for each row
  when (lower(old.email) is distinct from lower(new.email) or old.client_id is distinct from new.client_id)
  execute function private.end_changed_contact_sessions();
