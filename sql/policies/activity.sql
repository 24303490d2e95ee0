/** activity: a client reads its own history; only triggers write it. */
revoke all on public.activity from anon, authenticated;
grant select on public.activity to authenticated;
alter table public.activity enable row level security;

drop policy if exists "Clients can view their own activity" on public.activity;
create policy "Clients can view their own activity"
  on public.activity for select
  to authenticated
  using (client_id = (select private.current_client_id()));
