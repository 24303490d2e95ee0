/**
 * Today's date in the business's time zone: what decides whether an invoice is overdue or a
 * quote still valid, wherever the server or the client is.
 */
create or replace function private.business_today() returns date
language sql
stable
security definer
set search_path = ''
as $$
  select (now() at time zone coalesce((select s.time_zone from public.settings s), 'UTC'))::date
$$;

revoke all on function private.business_today() from public, anon, authenticated, service_role;
grant execute on function private.business_today() to authenticated, service_role;
