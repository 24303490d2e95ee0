/**
 * Refuses (42501, with a message a person understands) when the signed-in contact's role does
 * not allow the action (private.role_may); nobody signed in is refused too.
 */
create or replace function private.require_role_for(p_action text) returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role text := (private.current_contact()).role;
begin
  if v_role is null then
    raise exception 'Sign in first.' using errcode = '42501';
  end if;
  if not private.role_may(v_role, p_action) then
    raise exception '%', case p_action
        when 'pay' then 'Your role (' || v_role || ') cannot pay invoices. Ask your account''s owner or billing contact.'
        when 'decide' then 'Your role (' || v_role || ') cannot accept or reject quotes. Ask your account''s owner or approver.'
        when 'book' then 'Your role (' || v_role || ') cannot book or cancel appointments.'
        when 'edit_profile' then 'Only your account''s owner can change its contact details.'
        when 'manage_contacts' then 'Only your account''s owner can manage its people.'
        else 'Your role does not allow this.' end
      using errcode = '42501';
  end if;
end
$$;

revoke all on function private.require_role_for(text) from public, anon, authenticated, service_role;
grant execute on function private.require_role_for(text) to authenticated, service_role;
