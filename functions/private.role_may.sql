/**
 * The one place that says what each role may do. Actions: 'pay' (invoices, payments,
 * receipts, statements), 'decide' (accept or reject quotes), 'book' (appointments),
 * 'edit_profile' (the client's contact details), 'manage_contacts'. Every role reads.
 */
create or replace function private.role_may(p_role text, p_action text) returns boolean
language sql
immutable
set search_path = ''
as $$
  select case p_action
    when 'pay' then p_role in ('owner', 'billing')
    when 'decide' then p_role in ('owner', 'approver')
    when 'book' then p_role in ('owner', 'billing', 'approver')
    when 'edit_profile' then p_role = 'owner'
    when 'manage_contacts' then p_role = 'owner'
    else false
  end
$$;

revoke all on function private.role_may(text, text) from public, anon, authenticated, service_role;
grant execute on function private.role_may(text, text) to authenticated, service_role;
