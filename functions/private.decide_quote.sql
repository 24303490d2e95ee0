/**
 * Records the signed-in client's decision on one of its quotes: the only way a client decides,
 * since clients hold no UPDATE on quotes (a direct PostgREST PATCH could otherwise sign with
 * another person's name, or accept with a rejection reason). Only a sent, unarchived quote of
 * the current client that is still valid today (business time zone) changes; an acceptance
 * carries a signature and no reason, a rejection the client's own name and the reason. The
 * stamp_quote_decision trigger adds the time and the session's email. Returns whether the quote
 * changed; of two simultaneous decisions exactly one does (the second re-checks `status` once
 * the first commits).
 *
 * Security definer: it writes past the clients' missing UPDATE grant, so it checks ownership
 * itself. Callers (accept_quote, reject_quote) validate the signature and reason first.
 */
create or replace function private.decide_quote(
  p_quote_id uuid,
  p_status public.quote_status,
  p_signer text,
  p_reason text
) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.current_client_id();
begin
  if p_status not in ('accepted', 'rejected') then
    raise exception 'A quote can only be accepted or rejected.' using errcode = '22023';
  end if;
  if me is not null then
    perform private.require_role_for('decide');  -- an owner or approver decides
  end if;
  update public.quotes q
     set status = p_status,
         accepted_by = case when p_status = 'accepted' then p_signer end,
         rejected_by = case when p_status = 'rejected'
                            then (private.current_contact()).name end,
         rejection_reason = case when p_status = 'rejected' then p_reason end
   where q.id = p_quote_id
     and q.client_id = me
     and q.status = 'sent'
     and not q.archived
     and q.valid_until >= private.business_today();
  return found;
end
$$;

revoke all on function private.decide_quote(uuid, public.quote_status, text, text)
  from public, anon, authenticated, service_role;
grant execute on function private.decide_quote(uuid, public.quote_status, text, text) to authenticated;
