-- The shape of security: RLS on every table, policies named as sentences, functions locked down.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(12);

-- Tables ---------------------------------------------------------------------------------------
select is_empty($$ select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace
                    and c.relkind = 'r' and not c.relrowsecurity $$,
  'Every public table has row-level security enabled');
select is_empty($$ select c.relname from pg_class c where c.relnamespace = 'private'::regnamespace
                    and c.relkind = 'r' and not c.relrowsecurity $$,
  'Every private (server-only) table has row-level security enabled');
select is_empty($$ select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace
                    and c.relkind = 'r' and c.relname not in ('stripe_events', 'outbox')
                    and not exists (select from pg_policy p where p.polrelid = c.oid) $$,
  'Every public table but the server-only ones has a policy');
select is_empty($$ select polname from pg_policy where polcmd = '*' $$,
  'No policy is FOR ALL: one policy per verb');
select is_empty($$ select polname from pg_policy where polname !~ '^[A-Z][A-Za-z-]+( [A-Za-z-]+)+$' $$,
  'Every policy is named as a sentence');
select is_empty($$ select p.polname from pg_policy p
                    where not (p.polroles @> array['authenticated'::regrole::oid]) $$,
  'Every policy is for authenticated only');
select is_empty($$ select polname from pg_policy
                    where pg_get_expr(polqual, polrelid) ~ 'current_client_id\(\)'
                      and pg_get_expr(polqual, polrelid) !~ 'SELECT private\.current_client_id' $$,
  'Policies evaluate current_client_id() once per statement, wrapped in a select');
select ok(not has_table_privilege('anon', 'public.clients', 'select'),
  'Anonymous requests cannot read clients');
select ok(not has_column_privilege('authenticated', 'public.clients', 'email', 'update'),
  'Clients cannot change their email');

-- Functions ------------------------------------------------------------------------------------
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                      and has_function_privilege('anon', p.oid, 'execute') $$,
  'Anonymous requests can execute no function');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace and p.prosecdef $$,
  'Client-callable functions are security invoker: RLS decides');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                      and p.prosecdef
                      and not coalesce(p.proconfig, '{}') @> array['search_path=""'] $$,
  'Every security definer function pins an empty search_path');

select * from finish();
rollback;
