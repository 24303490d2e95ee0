/**
 * The business's active booking links, in the administrator's order. Security invoker: RLS
 * shows every signed-in client the active links.
 */
create or replace function public.portal_booking_links() returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', l.id, 'slug', l.slug, 'title', l.title, 'description', l.description,
           'kind', l.kind, 'external_url', l.external_url, 'duration_minutes', l.duration_minutes,
           -- The meeting URL itself comes with the confirmation, to those who booked.
           'location', l.location, 'video_call', l.meeting_url is not null)
           order by l.position, l.title), '[]'::jsonb)
    from public.booking_links l
$$;

revoke all on function public.portal_booking_links() from public, anon, authenticated, service_role;
grant execute on function public.portal_booking_links() to authenticated;
