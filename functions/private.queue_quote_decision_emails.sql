/**
 * A quote accepted or rejected: a copy of the decision to the client (who decided, when, the
 * reason) and, when the business wants it, a notice to the business. One of each per decision
 * (dedupe keys). Called by the announce_quote trigger only.
 */
create or replace function private.queue_quote_decision_emails(p_quote_id uuid) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  details jsonb;
  client_email text;
  client_id uuid;
begin
  select jsonb_build_object(
           'quote_id', q.id, 'quote_number', q.number, 'decision', q.status,
           'decided_by', coalesce(q.accepted_by, q.rejected_by), 'decided_by_email', q.decided_by_email,
           'decided_at', coalesce(q.accepted_at, q.rejected_at), 'reason', q.rejection_reason,
           'total', q.total, 'currency', q.currency,
           'client_name', c.name, 'client_email', c.email, 'time_zone', s.time_zone),
         c.email, c.id
    into details, client_email, client_id
    from public.quotes q
    join public.clients c on c.id = q.client_id
    cross join public.settings s
   where q.id = p_quote_id;

  insert into public.outbox (client_id, dedupe_key, to_email, kind, context)
  values (client_id, 'quote_decided:' || p_quote_id, client_email, 'quote_decided', details)
  on conflict (dedupe_key) do nothing;
  perform private.notify_business('quote_decided', 'business_quote_decided',
                                  'business_quote_decided:' || p_quote_id, details);
end
$$;

revoke all on function private.queue_quote_decision_emails(uuid) from public, anon, authenticated, service_role;
