/**
 * The signed-in person's account settings, with the defaults when they never saved any
 * (language null: the browser's; time_zone null: the business's; every email on), and the
 * business's time zone the page offers as the default. Security invoker: RLS decides.
 */
create or replace function public.portal_account_preferences() returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  saved public.account_preferences;
begin
  if private.current_client_id() is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  select p.* into saved from public.account_preferences p
   where p.email = lower(auth.jwt() ->> 'email');
  return jsonb_build_object(
    'language', saved.language,
    'time_zone', saved.time_zone,
    'invoice_reminders', coalesce(saved.invoice_reminders, true),
    'quote_sent', coalesce(saved.quote_sent, true),
    'booking_reminders', coalesce(saved.booking_reminders, true),
    'business_time_zone', (select s.time_zone from public.settings s));
end
$$;

revoke all on function public.portal_account_preferences() from public, anon, authenticated, service_role;
grant execute on function public.portal_account_preferences() to authenticated;
