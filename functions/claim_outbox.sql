/**
 * Hands the outbox worker up to p_limit emails that are due (ready text, or a kind and context
 * for it to render, with the recipient's account preferences), leasing them for p_lease_seconds
 * so that another worker (skip locked) or a restart does not send them again meanwhile.
 * Service role only.
 */
create or replace function public.claim_outbox(p_limit integer default 20, p_lease_seconds integer default 300)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  with due as (
    select o.id from public.outbox o
     where o.status = 'pending' and o.next_attempt_at <= now()
     order by o.next_attempt_at, o.id
     limit p_limit
     for update skip locked),
  leased as (
    update public.outbox o
       set attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => p_lease_seconds)
      from due where o.id = due.id
    returning o.*)
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', l.id, 'to_email', l.to_email, 'subject', l.subject, 'body_text', l.body_text,
           'body_html', l.body_html, 'attachments', l.attachments, 'attempts', l.attempts,
           'kind', l.kind, 'context', l.context,
           -- The recipient's account settings (language, time zone, the emails they turned
           -- off), or null: the worker renders and filters with them.
           'recipient', (select jsonb_build_object(
                           'language', p.language, 'time_zone', p.time_zone,
                           'invoice_reminders', p.invoice_reminders, 'quote_sent', p.quote_sent,
                           'booking_reminders', p.booking_reminders)
                           from public.account_preferences p where p.email = lower(l.to_email)))
           order by l.id),
         '[]'::jsonb)
    from leased l
$$;

revoke all on function public.claim_outbox(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.claim_outbox(integer, integer) to service_role;
