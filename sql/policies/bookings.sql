/**
 * bookings: a client reads only its own appointments. Booking and cancelling go through
 * functions that check availability; there is no direct write grant.
 */
revoke all on public.bookings from anon, authenticated;
grant select on public.bookings to authenticated;
alter table public.bookings enable row level security;

drop policy if exists "Clients can view their own bookings" on public.bookings;
create policy "Clients can view their own bookings"
  on public.bookings for select
  to authenticated
  using (client_id = (select private.current_client_id()));
