/**
 * Whether a client may still cancel an appointment online: before it starts, and at least its
 * minimum notice before. The one definition the portal's lists and the check_booking trigger use.
 */
create or replace function private.booking_cancellable(p_starts_at timestamptz, p_min_notice_minutes integer)
returns boolean
language sql
stable
set search_path = ''
as $$
  select now() < p_starts_at and now() + make_interval(mins => p_min_notice_minutes) <= p_starts_at
$$;

revoke all on function private.booking_cancellable(timestamptz, integer) from public, anon, authenticated, service_role;
grant execute on function private.booking_cancellable(timestamptz, integer) to authenticated;
