-- portal_page: a page's calls in one request (Supabase mode), after the identity check; each
-- call with the caller's own privileges and RLS, by named arguments as PostgREST passes them.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(9);

select tests.create_clients();  -- A and B with portal access, C without, D archived
insert into public.invoices (id, client_id, number, status) values
  ('aaaaaaaa-0001-4000-8000-0000000000f1', 'aaaaaaaa-0000-4000-8000-000000000000', 'PG-INV-A', 'sent'),
  ('bbbbbbbb-0001-4000-8000-0000000000f1', 'bbbbbbbb-0000-4000-8000-000000000000', 'PG-INV-B', 'sent');

select tests.act_as_client('a@pgtap.test');
select is(portal_page('[{"function": "portal_invoice", "args": {"p_invoice_id": "aaaaaaaa-0001-4000-8000-0000000000f1"}},
                        {"function": "portal_invoices", "args": {"p_status": "all", "p_page_size": 5}}]'::jsonb)
          #>> '{results, 0, number}', 'PG-INV-A', 'The calls run in order and their results come back in order');
select is(jsonb_array_length(portal_page('[{"function": "portal_invoices", "args": {"p_page": 1}}]') #> '{results, 0, invoices}'),
          1, 'Integer arguments are converted as PostgREST converts them');
select is(portal_page('[]') -> 'profile_version', (select to_jsonb(updated_at) from public.settings limit 1),
          'The business profile''s version comes along');
select throws_ok($$ select portal_page('[{"function": "portal_invoice", "args": {"p_invoice_id": "bbbbbbbb-0001-4000-8000-0000000000f1"}}]') $$,
                 'P0002', 'Invoice not found.', 'RLS decides inside: another client''s invoice is not found');
select throws_ok($$ select portal_page('[{"function": "touch_session", "args": {"p_session_id": "aaaaaaaa-0001-4000-8000-0000000000f1", "p_idle_seconds": 60}}]') $$,
                 '42501', null, 'A function the client may not call is refused as if called directly');
select throws_ok($$ select portal_page('[{"function": "no_such_function", "args": {}}]') $$,
                 '42883', null, 'An unknown function is refused');
select throws_ok($$ select portal_page('[{"function": "portal_invoice", "args": {"p_invoice_id": "aaaaaaaa-0001-4000-8000-0000000000f1", "p_extra": 1}}]') $$,
                 '42883', null, 'An unknown argument is refused');

select tests.act_as_client('c@pgtap.test');
select is(portal_page('[{"function": "portal_invoices", "args": {}}]'), '{"status": "not_allowed"}'::jsonb,
          'A client without portal access gets no call run');
select tests.act_as_client('a@pgtap.test');
select set_config('tests.claims', current_setting('request.jwt.claims'), true);
select tests.act_as_owner();
update private.sessions set revoked_at = now() where id = md5('a@pgtap.test')::uuid;
select tests.act_as('authenticated', current_setting('tests.claims')::jsonb);
select is(portal_page('[{"function": "portal_invoices", "args": {}}]') ->> 'status', 'not_allowed',
          'Nor does a signed-out session');

select * from finish();
rollback;
