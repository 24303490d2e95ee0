/**
 * Uses a sign-in link: exactly once, even when several requests present it at the same moment
 * (the conditional update lets one through; the others then find it used). Unknown, used,
 * voided (a newer link was sent, or too many wrong codes) and expired links are told apart so
 * the page can say which. Service role only.
 */
create or replace function public.consume_login_link(
  p_token_hash text,
  p_session_lifetime_seconds integer default 28800,
  p_user_agent text default null,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  link private.login_links;
begin
  update private.login_links l
     set used_at = p_now
   where l.token_hash = p_token_hash
     and l.used_at is null and l.voided_at is null and l.expires_at > p_now
  returning * into link;
  if found then
    return private.start_session(link.client_id, p_session_lifetime_seconds, p_user_agent, p_now);
  end if;

  select l.* into link from private.login_links l where l.token_hash = p_token_hash;
  return jsonb_build_object('status', case
    when not found then 'unknown'
    when link.used_at is not null then 'used'
    when link.voided_at is not null then 'voided'
    else 'expired'
  end);
end
$$;

revoke all on function public.consume_login_link(text, integer, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.consume_login_link(text, integer, text, timestamptz) to service_role;
