/**
 * The owner's changes to the people of their client: invite one ('invite': p_email, p_name,
 * p_role), change a role ('role': p_contact_id, p_role) or remove one ('remove': p_contact_id).
 * The client keeps at least one owner, and nobody removes themselves or changes their own role
 * (so an owner cannot lock the company out). An email belongs to one contact across all
 * clients. Each change goes into the activity feed, naming the person who made it.
 *
 * Security definer: clients write no table; private.require_role_for('manage_contacts') checks
 * the caller is an owner, and every row touched is the caller's client's.
 */
create or replace function private.manage_contact(
  p_action text,
  p_contact_id uuid default null,
  p_email text default null,
  p_name text default null,
  p_role text default null
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  me public.contacts := private.current_contact();
  target public.contacts;
  v_email text := btrim(coalesce(p_email, ''));
  v_name text := btrim(coalesce(p_name, ''));
begin
  perform private.require_role_for('manage_contacts');
  if p_action not in ('invite', 'role', 'remove') then
    raise exception 'Invite, change a role or remove.' using errcode = '22023';
  end if;
  if p_action in ('invite', 'role') and (p_role is null or p_role not in ('owner', 'billing', 'approver', 'viewer')) then
    raise exception 'Choose a role: owner, billing, approver or viewer.' using errcode = '22023',
      detail = jsonb_build_object('role', 'Choose a role: owner, billing, approver or viewer.')::text;
  end if;

  if p_action = 'invite' then
    if v_email !~ '^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$' or length(v_email) > 254 then
      raise exception 'Enter an email address like name@example.com.' using errcode = '22023',
        detail = jsonb_build_object('email', 'Enter an email address like name@example.com.')::text;
    end if;
    if length(v_name) not between 1 and 200 or v_name ~ '[<>\x01-\x1f]' then
      raise exception 'Enter the person''s name (at most 200 characters, no < or >).' using errcode = '22023',
        detail = jsonb_build_object('name', 'Enter the person''s name (at most 200 characters, no < or >).')::text;
    end if;
    if exists (select from public.contacts k where lower(k.email) = lower(v_email)) then
      raise exception 'That address already belongs to a person of a client account.' using errcode = '23505',
        detail = jsonb_build_object('email', 'That address already belongs to a person of a client account.')::text;
    end if;
    insert into public.contacts (client_id, email, name, role, invited_by)
    values (me.client_id, lower(v_email), v_name, p_role, me.id)
    returning * into target;
    perform private.record_activity(me.client_id, 'contact_added', 'client', me.client_id,
      target.name || ' was invited as ' || target.role,
      jsonb_build_object('contact_id', target.id, 'email', target.email, 'role', target.role));
    return jsonb_build_object('id', target.id, 'email', target.email, 'name', target.name, 'role', target.role);
  end if;

  select k.* into target from public.contacts k where k.id = p_contact_id and k.client_id = me.client_id
     for update;
  if not found then
    raise exception 'That person is not part of your account.' using errcode = 'P0002';
  end if;
  if target.id = me.id then
    raise exception 'You cannot change or remove yourself; another owner can.' using errcode = '55000';
  end if;
  if p_action = 'role' then
    update public.contacts k set role = p_role where k.id = target.id;
    perform private.record_activity(me.client_id, 'contact_role_changed', 'client', me.client_id,
      target.name || '''s role changed from ' || target.role || ' to ' || p_role,
      jsonb_build_object('contact_id', target.id, 'from', target.role, 'to', p_role));
  else
    -- Their sessions and links go with the row (foreign keys, and a trigger for Supabase Auth's).
    delete from public.contacts k where k.id = target.id;
    perform private.record_activity(me.client_id, 'contact_removed', 'client', me.client_id,
      target.name || ' was removed', jsonb_build_object('email', target.email, 'role', target.role));
  end if;
  return jsonb_build_object('id', target.id, 'email', target.email, 'name', target.name,
                            'role', case when p_action = 'role' then p_role end);
end
$$;

revoke all on function private.manage_contact(text, uuid, text, text, text) from public, anon, authenticated, service_role;
grant execute on function private.manage_contact(text, uuid, text, text, text) to authenticated;
