/**
 * Asks the database whether the signed-in person's role allows an action (pay, decide, book,
 * edit_profile, manage_contacts): true, or 42501 with the reason. The payment pages call it
 * before opening a Stripe Checkout (a service call), so a viewer or an approver cannot pay.
 */
create or replace function public.check_role_for(p_action text) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.require_role_for(p_action);
  return 'true'::jsonb;
end
$$;

revoke all on function public.check_role_for(text) from public, anon, authenticated, service_role;
grant execute on function public.check_role_for(text) to authenticated;
