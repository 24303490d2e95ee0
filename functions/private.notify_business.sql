/**
 * Queues a notice to the business about an event, when the business wants that event
 * (settings.notify_events) and has somewhere to receive it (notification_email, else the contact
 * email). The kind names the template; the dedupe key makes a repeat a no-op. Returns whether a
 * notice was queued. Called by the functions and triggers that record the events.
 */
create or replace function private.notify_business(p_event text, p_kind text, p_dedupe_key text,
                                                   p_context jsonb) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  address text;
begin
  select coalesce(s.notification_email, s.contact_email) into address
    from public.settings s
   where p_event = any (s.notify_events);
  if address is null then
    return false;
  end if;
  insert into public.outbox (dedupe_key, to_email, kind, context)
  values (p_dedupe_key, address, p_kind, p_context || jsonb_build_object('event', p_event))
  on conflict (dedupe_key) do nothing;
  return true;
end
$$;

revoke all on function private.notify_business(text, text, text, jsonb) from public, anon, authenticated, service_role;
grant execute on function private.notify_business(text, text, text, jsonb) to service_role;
