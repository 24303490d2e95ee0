/**
 * One quote as the portal lists it. A sent quote past its valid-until date reads as expired:
 * it can no longer be accepted, whatever its stored status says.
 */
create or replace function private.quote_summary(p_quote public.quotes, p_today date)
returns jsonb
language sql
stable
-- No `set search_path`: a SET clause stops Postgres from inlining the function, and it runs once
-- per listed document. It refers to nothing but its arguments and built-ins (pg_catalog comes
-- first whatever the path), and it is security invoker.
as $$
  select jsonb_build_object(
    'id', p_quote.id,
    'number', p_quote.number,
    'state', case
      when p_quote.status = 'sent' and p_quote.valid_until < p_today then 'expired'
      when p_quote.status = 'sent' then 'pending'
      else p_quote.status::text
    end,
    'issue_date', p_quote.issue_date,
    'valid_until', p_quote.valid_until,
    'currency', p_quote.currency,
    'total', p_quote.total
  )
$$;

revoke all on function private.quote_summary(public.quotes, date) from public, anon, authenticated, service_role;
grant execute on function private.quote_summary(public.quotes, date) to authenticated, service_role;
