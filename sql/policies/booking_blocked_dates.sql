/** booking_blocked_dates: visible exactly when its link is (the subquery is itself under RLS). */
revoke all on public.booking_blocked_dates from anon, authenticated;
grant select on public.booking_blocked_dates to authenticated;
alter table public.booking_blocked_dates enable row level security;

drop policy if exists "Clients can view blocked dates of active booking links" on public.booking_blocked_dates;
create policy "Clients can view blocked dates of active booking links"
  on public.booking_blocked_dates for select
  to authenticated
  using (booking_link_id in (select l.id from public.booking_links l));
