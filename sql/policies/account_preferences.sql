/**
 * account_preferences: a signed-in person reads only their own row (their verified email, for
 * the client they are signed in for); nobody writes through the API: save_account_preferences
 * checks and writes.
 */
revoke all on public.account_preferences from anon, authenticated;
grant select on public.account_preferences to authenticated;
alter table public.account_preferences enable row level security;

drop policy if exists "People can view their own account preferences" on public.account_preferences;
create policy "People can view their own account preferences"
  on public.account_preferences for select
  to authenticated
  using (client_id = (select private.current_client_id())
         and email = lower((select auth.jwt()) ->> 'email'));
