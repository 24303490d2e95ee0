/**
 * Today's date in the business's time zone: what decides whether an invoice is overdue or a
 * quote still valid, wherever the server or the client is.
 */
create or replace function private.business_today() returns date
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: a definer SQL function with a search_path is re-planned on every call;
  -- PL/pgSQL keeps its plan for the session (every page asks for today).
  return (now() at time zone coalesce((select s.time_zone from public.settings s), 'UTC'))::date;
end
$$;

revoke all on function private.business_today() from public, anon, authenticated, service_role;
grant execute on function private.business_today() to authenticated, service_role;
