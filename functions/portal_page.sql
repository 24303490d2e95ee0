/**
 * A page's calls in one request (Supabase mode: one PostgREST RPC per page). First the identity:
 * private.current_client_id() accepts the caller only with a live session and portal access,
 * so a signed-out or removed client gets {"status": "not_allowed"} and no call runs. Then each
 * call of p_calls ([{"function": "portal_invoice", "args": {"p_invoice_id": "..."}}, ...]), in
 * order, by named arguments as PostgREST passes them, and the business profile's version (the
 * process keeps its profile while it matches).
 *
 * Security invoker: every call runs with the caller's own privileges and RLS, exactly as if
 * PostgREST had called it; a function the client may not execute fails the same way.
 */
create or replace function public.portal_page(p_calls jsonb) returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  call jsonb;
  result jsonb;
  results jsonb := '[]'::jsonb;
begin
  if private.current_client_id() is null then
    return jsonb_build_object('status', 'not_allowed');
  end if;
  if jsonb_typeof(p_calls) is distinct from 'array' then
    raise exception 'The calls must be a JSON array.' using errcode = '22023';
  end if;
  for call in select c from jsonb_array_elements(p_calls) c loop
    execute format('select to_jsonb(public.%I(%s))', call ->> 'function',
                   private.named_arguments(call ->> 'function', coalesce(call -> 'args', '{}')))
       into result using coalesce(call -> 'args', '{}');
    results := results || jsonb_build_array(result);
  end loop;
  return jsonb_build_object('status', 'active', 'results', results,
                            'profile_version', (select s.updated_at from public.settings s limit 1));
end
$$;

revoke all on function public.portal_page(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.portal_page(jsonb) to authenticated;
