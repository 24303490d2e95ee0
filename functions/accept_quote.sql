/**
 * The signed-in client accepts one of its quotes, signing with its typed name. Only a sent quote
 * that is still valid today (business time zone) can be accepted; anything else raises a clear
 * error and changes nothing. Of two simultaneous decisions, exactly one wins: the update waits
 * for the other's row lock and then finds the quote no longer pending.
 */
create or replace function public.accept_quote(p_quote_id uuid, p_signer_name text) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  signer text := btrim(coalesce(p_signer_name, ''));
begin
  if signer = '' then
    raise exception 'Type your name to accept the quote.' using errcode = '22023';
  end if;
  if length(signer) > 200 then
    raise exception 'Your name can be at most 200 characters.' using errcode = '22023';
  end if;
  if signer ~ '[[:cntrl:]]' then
    raise exception 'Your name contains characters that cannot be used.' using errcode = '22023';
  end if;

  if not private.decide_quote(p_quote_id, 'accepted', signer, null) then
    perform private.raise_quote_not_pending(p_quote_id, 'accepted');
  end if;
  return public.portal_quote(p_quote_id);
end
$$;

revoke all on function public.accept_quote(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.accept_quote(uuid, text) to authenticated;
