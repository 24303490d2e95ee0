/**
 * The argument list of a call to public.<p_function> with the named arguments of p_args (a JSON
 * object, bound as $1), each converted to its parameter's type as PostgREST converts a JSON body:
 * `"p_invoice_id" => ($1 ->> 'p_invoice_id')::uuid`. An unknown function or argument fails as
 * Postgres fails an unknown call (42883). Names become quoted identifiers and literals.
 */
create or replace function private.named_arguments(p_function text, p_args jsonb) returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  fn oid;
  list text;
  unknown text;
begin
  select p.oid into fn from pg_catalog.pg_proc p
   where p.pronamespace = 'public'::regnamespace and p.proname = p_function;
  if fn is null or jsonb_typeof(p_args) is distinct from 'object' then
    raise exception 'No function public.% taking these arguments.', p_function using errcode = '42883';
  end if;
  -- quote_ident(null) is null: an unknown argument adds nothing here and is named below.
  select string_agg(quote_ident(a.name) || ' => ' || case when a.type in ('jsonb'::regtype, 'json'::regtype)
                      then format('($1 -> %L)::%s', a.name, pg_catalog.format_type(a.type, null))
                      else format('($1 ->> %L)::%s', a.name, pg_catalog.format_type(a.type, null)) end,
                    ', '),
         string_agg(k.key, ', ') filter (where a.name is null)
    into list, unknown
    from jsonb_object_keys(p_args) k(key)
    left join (select n.name, t.type
                 from pg_catalog.pg_proc p,
                      unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) as n(name, type_oid),
                      lateral (select n.type_oid::regtype as type) t
                where p.oid = fn) a on a.name = k.key;
  if unknown is not null then
    raise exception 'No function public.% taking %.', p_function, unknown using errcode = '42883';
  end if;
  return coalesce(list, '');
end
$$;

revoke all on function private.named_arguments(text, jsonb) from public, anon, authenticated, service_role;
grant execute on function private.named_arguments(text, jsonb) to authenticated;
