/**
 * Says why a quote could not be accepted or rejected. Security invoker, so a quote the caller
 * cannot see reads "not found", exactly like one that does not exist.
 */
create or replace function private.raise_quote_not_pending(p_quote_id uuid, p_decision text)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  q public.quotes;
begin
  select qt.* into q from public.quotes qt where qt.id = p_quote_id;
  if not found then
    raise exception 'Quote not found.' using errcode = 'P0002';
  end if;
  if q.status in ('accepted', 'rejected') then
    raise exception 'Quote % was already %.', q.number, q.status using errcode = '55000';
  end if;
  if q.status = 'expired' or q.valid_until < private.business_today() then
    raise exception 'Quote % expired on % and can no longer be %.', q.number, q.valid_until, p_decision
      using errcode = '55000';
  end if;
  raise exception 'Quote % cannot be % now.', q.number, p_decision using errcode = '55000';
end
$$;

revoke all on function private.raise_quote_not_pending(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.raise_quote_not_pending(uuid, text) to authenticated;
