/**
 * The signed-in client rejects one of its quotes, with an optional reason. Same rules as
 * accept_quote: only a sent, still valid quote; anything else raises and changes nothing.
 */
create or replace function public.reject_quote(p_quote_id uuid, p_reason text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  reason text := nullif(btrim(coalesce(p_reason, '')), '');
begin
  if length(reason) > 2000 then
    raise exception 'The reason can be at most 2000 characters.' using errcode = '22023';
  end if;

  if not private.decide_quote(p_quote_id, 'rejected', null, reason) then
    perform private.raise_quote_not_pending(p_quote_id, 'rejected');
  end if;
  return public.portal_quote(p_quote_id);
end
$$;

revoke all on function public.reject_quote(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.reject_quote(uuid, text) to authenticated;
