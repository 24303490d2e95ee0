/** booking_links: every signed-in client sees the active links; administrators manage them. */
revoke all on public.booking_links from anon, authenticated;
grant select on public.booking_links to authenticated;
alter table public.booking_links enable row level security;

drop policy if exists "Clients can view active booking links" on public.booking_links;
create policy "Clients can view active booking links"
  on public.booking_links for select
  to authenticated
  using (active and (select private.current_client_id()) is not null);
