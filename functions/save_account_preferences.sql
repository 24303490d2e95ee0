/**
 * The signed-in person saves their account settings: the language (null: the browser's), the
 * time zone (null: the business's; else a zone Postgres knows) and the non-essential emails.
 * A bad value raises 22023 and changes nothing. Security invoker; the write itself is
 * private.save_preferences_of_current_person's, as clients hold no write on the table.
 */
create or replace function public.save_account_preferences(
  p_language text,
  p_time_zone text,
  p_invoice_reminders boolean,
  p_quote_sent boolean,
  p_booking_reminders boolean
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform private.save_preferences_of_current_person(
    p_language, p_time_zone, p_invoice_reminders, p_quote_sent, p_booking_reminders);
  return public.portal_account_preferences();
end
$$;

revoke all on function public.save_account_preferences(text, text, boolean, boolean, boolean) from public, anon, authenticated, service_role;
grant execute on function public.save_account_preferences(text, text, boolean, boolean, boolean) to authenticated;
