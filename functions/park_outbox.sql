/**
 * Gives up on one email, keeping it (never deleted) as failed with the reason, for the
 * administrators' delivery view: after the last retry, when a mail server refused the address
 * for good (p_bounced: the client's address is flagged), or when what it announced is no longer
 * true (p_skipped: an invoice made void before the email left; nobody is told). Otherwise the
 * business is told, when it wants to hear about failed deliveries (never about its own notices,
 * which would loop). Service role only (invoker: the service role writes both tables).
 */
create or replace function public.park_outbox(p_id bigint, p_reason text, p_bounced boolean default false,
                                              p_skipped boolean default false) returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  email public.outbox;
begin
  update public.outbox o
     set status = 'failed', last_error = left(p_reason, 1000)
   where o.id = p_id
  returning o.* into email;
  if not found then
    return;
  end if;
  if p_bounced then
    update public.clients c
       set email_bounced_at = now(), email_bounce_reason = left(p_reason, 1000)
     where lower(c.email) = lower(email.to_email);
  end if;
  -- Never about the business's own notices (payment_flagged, business_*): that would loop.
  if not p_skipped and coalesce(email.kind, '') not like 'business\_%'
     and email.kind is distinct from 'payment_flagged' then
    perform private.notify_business('delivery_failed', 'business_delivery_failed',
                                    'business_delivery_failed:' || email.id,
                                    jsonb_build_object('outbox_id', email.id, 'kind', email.kind,
                                                       'to_email', email.to_email, 'reason', p_reason,
                                                       'attempts', email.attempts, 'bounced', p_bounced));
  end if;
end
$$;

revoke all on function public.park_outbox(bigint, text, boolean, boolean) from public, anon, authenticated, service_role;
grant execute on function public.park_outbox(bigint, text, boolean, boolean) to service_role;
