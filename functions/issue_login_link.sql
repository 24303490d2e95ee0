/**
 * Stores a new sign-in link for a contact of a client with portal access (not archived),
 * voiding the contact's older links: only the hashes of the link's token and code, which the worker made in
 * memory and is about to email. Asked again here because access may have been switched off since
 * the request was queued. The request limits were applied when the link was asked for
 * (request_sign_in). Returns {"status": "created", "email", "name"} or {"status": "not_allowed"}.
 * Service role only. p_now is the caller's clock (tests move it).
 */
create or replace function public.issue_login_link(
  p_email text,
  p_token_hash text,
  p_code_hash text,
  p_ttl_seconds integer default 86400,
  p_now timestamptz default now()
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  contact public.contacts;
begin
  if p_ttl_seconds not between 60 and 86400 then
    raise exception 'A sign-in link lives between 1 minute and 24 hours.' using errcode = '22023';
  end if;
  select k.* into contact from public.contacts k join public.clients c on c.id = k.client_id
   where lower(k.email) = lower(btrim(coalesce(p_email, ''))) and c.portal_access and not c.archived;
  if not found then
    return jsonb_build_object('status', 'not_allowed');
  end if;
  -- The person's one usable link: a newer one voids theirs, not their colleagues'.
  update private.login_links l set voided_at = p_now
   where l.contact_id = contact.id and l.used_at is null and l.voided_at is null;
  insert into private.login_links (client_id, contact_id, token_hash, code_hash, created_at, expires_at)
  values (contact.client_id, contact.id, p_token_hash, p_code_hash, p_now,
          p_now + make_interval(secs => p_ttl_seconds));
  return jsonb_build_object('status', 'created', 'email', contact.email, 'name', contact.name);
end
$$;

revoke all on function public.issue_login_link(text, text, text, integer, timestamptz)
  from public, anon, authenticated;
grant execute on function public.issue_login_link(text, text, text, integer, timestamptz)
  to service_role;
