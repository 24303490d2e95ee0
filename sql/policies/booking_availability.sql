/** booking_availability: visible exactly when its link is (the subquery is itself under RLS). */
revoke all on public.booking_availability from anon, authenticated;
grant select on public.booking_availability to authenticated;
alter table public.booking_availability enable row level security;

drop policy if exists "Clients can view availability of active booking links" on public.booking_availability;
create policy "Clients can view availability of active booking links"
  on public.booking_availability for select
  to authenticated
  using (booking_link_id in (select l.id from public.booking_links l));
