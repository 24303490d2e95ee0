/**
 * Writes the signed-in person's own account preferences row (keyed by the verified JWT's email,
 * for the client they are signed in for), after checking every value. Security definer because
 * clients hold no write on account_preferences; it writes only the caller's row, and nothing at
 * all for a request that is nobody.
 */
create or replace function private.save_preferences_of_current_person(
  p_language text,
  p_time_zone text,
  p_invoice_reminders boolean,
  p_quote_sent boolean,
  p_booking_reminders boolean
) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
  v_language text := nullif(btrim(p_language), '');
  v_time_zone text := nullif(btrim(p_time_zone), '');
begin
  if me is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  if v_language is not null and v_language not in ('en', 'fr', 'de', 'es') then
    raise exception 'Choose one of the languages offered.' using errcode = '22023';
  end if;
  if v_time_zone is not null
     and not exists (select from pg_catalog.pg_timezone_names z where z.name = v_time_zone) then
    raise exception 'Choose one of the time zones offered.' using errcode = '22023';
  end if;
  if p_invoice_reminders is null or p_quote_sent is null or p_booking_reminders is null then
    raise exception 'Say yes or no for each email.' using errcode = '22023';
  end if;

  insert into public.account_preferences as p
         (email, client_id, language, time_zone, invoice_reminders, quote_sent, booking_reminders)
  values (lower(auth.jwt() ->> 'email'), me, v_language, v_time_zone, p_invoice_reminders,
          p_quote_sent, p_booking_reminders)
  on conflict (email) do update
     set client_id = excluded.client_id, language = excluded.language,
         time_zone = excluded.time_zone, invoice_reminders = excluded.invoice_reminders,
         quote_sent = excluded.quote_sent, booking_reminders = excluded.booking_reminders,
         updated_at = now();
end
$$;

revoke all on function private.save_preferences_of_current_person(text, text, boolean, boolean, boolean) from public, anon, authenticated, service_role;
grant execute on function private.save_preferences_of_current_person(text, text, boolean, boolean, boolean) to authenticated;
