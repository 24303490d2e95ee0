/**
 * Signs in with the emailed link (p_token_hash) or, for a link opened on another device, with the
 * 6-digit code (p_email and p_code_hash, the hash computed by the caller from the code and the
 * address). Both consume the address's one usable link, exactly once: the link is locked, so
 * concurrent uses and guesses are counted one after another (a second use then finds it used).
 * A refused link says why (unknown, used, voided by a newer link or too many wrong codes,
 * expired); a wrong code counts, and the fifth voids the link. Service role only.
 */
create or replace function public.consume_login(
  p_token_hash text default null,
  p_email text default null,
  p_code_hash text default null,
  p_session_lifetime_seconds integer default 28800,
  p_user_agent text default null,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  by_link constant boolean := p_token_hash is not null;
  link private.login_links;
  usable boolean;
begin
  if by_link = (p_email is not null or p_code_hash is not null) or (not by_link and
                                                                    (p_email is null or p_code_hash is null)) then
    raise exception 'Give either a link''s token hash, or an email address and a code''s hash.'
      using errcode = '22023';
  end if;
  select l.* into link
    from private.login_links l
    join public.contacts k on k.id = l.contact_id
   where l.used_at is null and l.voided_at is null and l.expires_at > p_now
     and case when by_link then l.token_hash = p_token_hash
              else lower(k.email) = lower(btrim(p_email)) end
   for update of l;
  usable := found;
  if usable and (by_link or link.code_hash = p_code_hash) then
    update private.login_links set used_at = p_now where id = link.id;
    return private.start_contact_session(link.contact_id, p_session_lifetime_seconds, p_user_agent, p_now);
  end if;

  if by_link then
    select l.* into link from private.login_links l where l.token_hash = p_token_hash;
    return jsonb_build_object('status', case
      when not found then 'unknown'
      when link.used_at is not null then 'used'
      when link.voided_at is not null then 'voided'
      else 'expired'
    end);
  end if;
  if not usable then
    return jsonb_build_object('status', 'no_code');
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

revoke all on function public.consume_login(text, text, text, integer, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.consume_login(text, text, text, integer, text, timestamptz) to service_role;
