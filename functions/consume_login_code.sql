/**
 * Signs in with the 6-digit code from the email (for a link opened on another device). The code
 * belongs to the address's one usable link; the fifth wrong code voids that link. Service role
 * only; the code hash is computed by the caller from the code and the address.
 */
create or replace function public.consume_login_code(
  p_email text,
  p_code_hash text,
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
  -- Lock the usable link so concurrent guesses are counted one after another.
  select l.* into link
    from private.login_links l
    join public.clients c on c.id = l.client_id
   where lower(c.email) = lower(btrim(p_email))
     and l.used_at is null and l.voided_at is null and l.expires_at > p_now
   for update of l;
  if not found then
    return jsonb_build_object('status', 'no_code');
  end if;
  if link.code_hash = p_code_hash then
    update private.login_links set used_at = p_now where id = link.id;
    return private.start_session(link.client_id, p_session_lifetime_seconds, p_user_agent, p_now);
  end if;
  update private.login_links
     set code_attempts = code_attempts + 1,
         voided_at = case when code_attempts + 1 >= 5 then p_now end
   where id = link.id;
  return jsonb_build_object('status', case when link.code_attempts + 1 >= 5 then 'too_many_attempts'
                                            else 'wrong_code' end,
                            'attempts_left', greatest(5 - link.code_attempts - 1, 0));
end
$$;

revoke all on function public.consume_login_code(text, text, integer, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.consume_login_code(text, text, integer, text, timestamptz) to service_role;
