-- The shape of security, read from the catalog: row-level security on every table, policies named
-- as sentences and given to authenticated only, grants as narrow as the portal needs, functions
-- locked down. Generic checks list the offenders, so a table or function added later is covered.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(78);

-- ============================================================================================
-- Tables: row-level security and policies
-- ============================================================================================
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and not c.relrowsecurity $$,
  'Every public table has row-level security enabled');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'private'::regnamespace and c.relkind in ('r', 'p')
                      and not c.relrowsecurity $$,
  'Every private (server-only) table has row-level security enabled too');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and c.relname not in ('stripe_events', 'outbox')
                      and not exists (select from pg_policy p where p.polrelid = c.oid) $$,
  'Every public table has at least one policy, but the server-only stripe_events and outbox');
select is_empty($$ select p.polname from pg_policy p
                    where p.polrelid in ('public.stripe_events'::regclass, 'public.outbox'::regclass) $$,
  'The server-only tables stripe_events and outbox have no policy at all');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('v', 'm')
                      and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass
                                         and d.objid = c.oid and d.deptype = 'e') $$,
  'There is no view in public: a view would bypass row-level security as its owner');

select is_empty($$ select polrelid::regclass, polname from pg_policy
                    where polname !~ '^[A-Z][a-z-]+( [a-z-]+)* can [a-z]+( [a-z-]+)+$' $$,
  'Every policy is named as a sentence: "<Who> can <do what>"');
select is_empty($$ select polrelid::regclass, polname from pg_policy where polcmd = '*' $$,
  'No policy is FOR ALL: one policy per verb');
select is_empty($$ select polrelid::regclass, polname from pg_policy
                    where polroles <> array['authenticated'::regrole::oid] $$,
  'Every policy applies to authenticated only, never to public or anon');
select is_empty($$ select polrelid::regclass, polname from pg_policy where not polpermissive $$,
  'Every policy is permissive: a restrictive one would need its own review');
select is_empty($$ select polrelid::regclass, polname from pg_policy
                    where concat(pg_get_expr(polqual, polrelid), ' ', pg_get_expr(polwithcheck, polrelid))
                          ~ '(current_client_id|business_today|auth\.[a-z]+)\(\)'
                      and regexp_replace(concat(pg_get_expr(polqual, polrelid), ' ',
                                                pg_get_expr(polwithcheck, polrelid)),
                                         '\(\s*SELECT (private|auth)\.[a-z_]+\(\) AS [a-z_]+\)', '', 'g')
                          ~ '(current_client_id|business_today|auth\.[a-z]+)\(\)' $$,
  'Policies call auth helpers wrapped in (select ...), evaluated once per statement');
select is((select array_agg(format('%s %s', tablename, cmd) order by tablename::text)
             from pg_policies where schemaname = 'public' and cmd <> 'SELECT'),
  array['clients UPDATE'],
  'Only clients (contact details) have a policy that writes, and it is UPDATE (quote decisions go through functions)');

select policies_are('public', 'activity', array['Clients can view their own activity'],
  'activity has exactly its read policy');
select policies_are('public', 'booking_availability',
  array['Clients can view availability of active booking links'],
  'booking_availability has exactly its read policy');
select policies_are('public', 'booking_blocked_dates',
  array['Clients can view blocked dates of active booking links'],
  'booking_blocked_dates has exactly its read policy');
select policies_are('public', 'booking_links', array['Clients can view active booking links'],
  'booking_links has exactly its read policy');
select policies_are('public', 'bookings', array['Clients can view their own bookings'],
  'bookings has exactly its read policy: booking goes through functions');
select policies_are('public', 'checkout_sessions', array['Clients can view their own checkout sessions'],
  'checkout_sessions has exactly its read policy: only the server writes');
select policies_are('public', 'clients',
  array['Clients can view their own record', 'Clients can update their own contact details'],
  'clients has exactly a read and an update policy');
select policies_are('public', 'invoice_items', array['Clients can view the items of their own invoices'],
  'invoice_items has exactly its read policy');
select policies_are('public', 'invoices', array['Clients can view their own invoices'],
  'invoices has exactly its read policy');
select policies_are('public', 'payments', array['Clients can view payments of their own invoices'],
  'payments has exactly its read policy');
select policies_are('public', 'quote_items', array['Clients can view the items of their own quotes'],
  'quote_items has exactly its read policy');
select policies_are('public', 'quotes', array['Clients can view their own quotes'],
  'quotes has exactly its read policy (decisions go through accept_quote/reject_quote)');
select policies_are('public', 'settings', array['Signed-in clients can view the business settings'],
  'settings has exactly its read policy');

select is_empty($$ select t.tab || '.' || t.col
                      from (values ('activity', 'client_id'), ('bookings', 'client_id'),
                                   ('checkout_sessions', 'client_id'),
                                   ('clients', 'id'), ('invoices', 'client_id'),
                                   ('invoice_items', 'invoice_id'), ('payments', 'client_id'),
                                   ('payments', 'invoice_id'), ('quotes', 'client_id'),
                                   ('quote_items', 'quote_id'),
                                   ('booking_availability', 'booking_link_id'),
                                   ('booking_blocked_dates', 'booking_link_id')) t(tab, col)
                     where not exists (
                       select from pg_index i
                        where i.indrelid = ('public.' || t.tab)::regclass
                          and i.indkey[0] = (select a.attnum from pg_attribute a
                                              where a.attrelid = i.indrelid and a.attname = t.col)) $$,
  'Every column a policy filters on leads an index');

-- ============================================================================================
-- Table and column privileges
-- ============================================================================================
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('anon', c.oid, 'INSERT')
                        or has_table_privilege('anon', c.oid, 'UPDATE') or has_table_privilege('anon', c.oid, 'DELETE')
                        or has_table_privilege('anon', c.oid, 'TRUNCATE')
                        or has_any_column_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE')) $$,
  'Anonymous requests have no privilege on any public table');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and (has_table_privilege('authenticated', c.oid, 'INSERT')
                        or has_table_privilege('authenticated', c.oid, 'DELETE')
                        or has_table_privilege('authenticated', c.oid, 'TRUNCATE')
                        or has_table_privilege('authenticated', c.oid, 'TRIGGER')
                        or has_any_column_privilege('authenticated', c.oid, 'INSERT')) $$,
  'Clients can insert, delete or truncate in no public table');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and has_table_privilege('authenticated', c.oid, 'UPDATE') $$,
  'Clients have no table-wide UPDATE anywhere: only column grants');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                      and c.relname not in ('clients', 'quotes')
                      and has_any_column_privilege('authenticated', c.oid, 'UPDATE') $$,
  'Clients can update columns of clients and quotes only');
select set_eq($$ select a.attname::text from pg_attribute a
                  where a.attrelid = 'public.clients'::regclass and a.attnum > 0 and not a.attisdropped
                    and has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE') $$,
  array['phone', 'address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country'],
  'Clients can update exactly their phone and address columns: never name, email, access or archived');
select is_empty($$ select a.attname::text from pg_attribute a
                  where a.attrelid = 'public.quotes'::regclass and a.attnum > 0 and not a.attisdropped
                    and has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE') $$,
  'Clients can update no column of quotes: a decision goes through accept_quote/reject_quote');
select ok(not has_column_privilege('authenticated', 'public.settings', 'stripe_account_id', 'SELECT'),
  'Clients cannot read the Stripe account id of the settings');
select ok(has_column_privilege('authenticated', 'public.settings', 'business_name', 'SELECT')
          and has_column_privilege('authenticated', 'public.settings', 'time_zone', 'SELECT'),
  'Clients can read the public columns of the settings');

select table_privs_are('public', 'stripe_events', 'authenticated', '{}'::text[],
  'Clients have no privilege on stripe_events');
select table_privs_are('public', 'outbox', 'authenticated', '{}'::text[],
  'Clients have no privilege on outbox');
select ok(has_table_privilege('service_role', 'public.stripe_events', 'SELECT')
          and has_table_privilege('service_role', 'public.stripe_events', 'INSERT')
          and has_table_privilege('service_role', 'public.stripe_events', 'UPDATE'),
  'The service role reads and writes stripe_events');
select ok(has_table_privilege('service_role', 'public.outbox', 'SELECT')
          and has_table_privilege('service_role', 'public.outbox', 'INSERT')
          and has_table_privilege('service_role', 'public.outbox', 'UPDATE'),
  'The service role reads and writes outbox');
select is_empty($$ select c.relname from pg_class c
                    where c.relnamespace = 'private'::regnamespace and c.relkind in ('r', 'p')
                      and (has_table_privilege('authenticated', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                        or has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')) $$,
  'Neither clients nor anonymous requests have any privilege on private tables');
select ok(not has_schema_privilege('anon', 'private', 'USAGE'),
  'Anonymous requests cannot even look into the private schema');
select ok(not has_schema_privilege('authenticated', 'private', 'CREATE')
          and not has_schema_privilege('authenticated', 'public', 'CREATE'),
  'Clients cannot create objects in public or private');

-- ============================================================================================
-- Functions
-- ============================================================================================
-- Extension members (pgTAP itself if it was installed in public, btree_gist) are not ours.
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace
                      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                                         and d.objid = p.oid and d.deptype = 'e')
                      and has_function_privilege('anon', p.oid, 'EXECUTE') $$,
  'No function in public is executable by anonymous requests');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'private'::regnamespace
                      and has_function_privilege('anon', p.oid, 'EXECUTE') $$,
  'No function in private is executable by anonymous requests');
select is_empty($$ select p.oid::regprocedure from pg_proc p, aclexplode(p.proacl) a
                    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                      and a.grantee = 0 and a.privilege_type = 'EXECUTE'
                      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                                         and d.objid = p.oid and d.deptype = 'e') $$,
  'No function in public or private is executable by PUBLIC (every grant is explicit)');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                      and p.proacl is null
                      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                                         and d.objid = p.oid and d.deptype = 'e') $$,
  'No function has the default ACL, which includes EXECUTE for PUBLIC');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace and p.prosecdef $$,
  'No function in public is security definer: client-callable functions run under RLS');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'private'::regnamespace and p.prosecdef
                      and not exists (select from unnest(p.proconfig) c where c like 'search_path=%') $$,
  'Every security definer function in private has its search_path set');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'private'::regnamespace and p.prosecdef
                      and not coalesce(p.proconfig, '{}') @> array['search_path=""'] $$,
  'Every security definer function in private pins an empty search_path');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                                         and d.objid = p.oid and d.deptype = 'e')
                      and not exists (select from unnest(p.proconfig) c where c like 'search_path=%')
                      -- Per-row SQL helpers left inlinable on purpose (a SET clause prevents it):
                      -- invoker, and they touch nothing but their arguments.
                      and p.oid not in ('private.invoice_summary(public.invoices, date)'::regprocedure,
                                        'private.quote_summary(public.quotes, date)'::regprocedure) $$,
  'Every function of ours pins its search_path, definer or not (but the inlinable row helpers)');
select is((select count(*)::int from pg_proc p
            where p.oid in ('private.invoice_summary(public.invoices, date)'::regprocedure,
                            'private.quote_summary(public.quotes, date)'::regprocedure)
              and not p.prosecdef and p.prolang = (select l.oid from pg_language l where l.lanname = 'sql')), 2,
  'The inlinable row helpers are plain security-invoker SQL functions');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'private'::regnamespace and p.prosecdef
                      and has_function_privilege('authenticated', p.oid, 'EXECUTE')
                      and p.proname not in ('current_client_id', 'business_today', 'record_first_view',
                                            'link_slots', 'book_for_current_client',
                                            'cancel_for_current_client', 'decide_quote',
                                            -- the caller's own session, its own counters
                                            'touch_current_session', 'my_document_counts',
                                            -- the same, with the caller's own page version
                                            'touch_current_session_for_page',
                                            -- writes only the caller's own preferences row
                                            'save_preferences_of_current_person',
                                            -- the caller's own devices
                                            'caller_sessions', 'end_caller_sessions',
                                            -- the caller's own contact; the owner's people
                                            'current_contact', 'manage_contact',
                                            -- the PDF version of the caller's own document
                                            'pdf_version',
                                            -- the caller's own page version (no arguments)
                                            'page_version') $$,
  'Clients can execute only the reviewed security definer helpers (each checks who is asking)');
select ok(not has_function_privilege('authenticated',
            'private.record_activity(uuid, public.activity_kind, text, uuid, text, jsonb)', 'EXECUTE'),
  'Clients cannot write activity through private.record_activity');

-- Client-callable functions: executable by authenticated.
select ok(has_function_privilege('authenticated', 'public.portal_dashboard()', 'EXECUTE'),
  'Clients can call portal_dashboard');
select ok(has_function_privilege('authenticated', 'public.portal_invoices(text, integer, integer)', 'EXECUTE'),
  'Clients can call portal_invoices');
select ok(has_function_privilege('authenticated', 'public.portal_invoice(uuid)', 'EXECUTE'),
  'Clients can call portal_invoice');
select ok(has_function_privilege('authenticated', 'public.portal_quotes(text, integer, integer)', 'EXECUTE'),
  'Clients can call portal_quotes');
select ok(has_function_privilege('authenticated', 'public.portal_quote(uuid)', 'EXECUTE'),
  'Clients can call portal_quote');
select ok(has_function_privilege('authenticated', 'public.accept_quote(uuid, text)', 'EXECUTE'),
  'Clients can call accept_quote');
select ok(has_function_privilege('authenticated', 'public.reject_quote(uuid, text)', 'EXECUTE'),
  'Clients can call reject_quote');
select ok(has_function_privilege('authenticated', 'public.portal_profile()', 'EXECUTE'),
  'Clients can call portal_profile');
select ok(has_function_privilege('authenticated',
            'public.update_contact(text, text, text, text, text, text, text)', 'EXECUTE'),
  'Clients can call update_contact');
select ok(has_function_privilege('authenticated', 'public.business_profile()', 'EXECUTE'),
  'Clients can call business_profile');
select ok(has_function_privilege('authenticated', 'public.portal_activity(integer, integer)', 'EXECUTE'),
  'Clients can call portal_activity');
select ok(has_function_privilege('authenticated', 'public.portal_booking_links()', 'EXECUTE'),
  'Clients can call portal_booking_links');
select ok(has_function_privilege('authenticated', 'public.record_document_view(text, uuid)', 'EXECUTE'),
  'Clients can call record_document_view');

-- Sign-in functions: the service role's only.
select function_privs_are('public', 'request_sign_in', array['text', 'inet', 'timestamp with time zone'],
  'authenticated', '{}'::text[], 'Clients cannot call request_sign_in');
select function_privs_are('public', 'client_has_portal_access', array['text'],
  'authenticated', '{}'::text[], 'Clients cannot call client_has_portal_access');
select function_privs_are('public', 'issue_login_link',
  array['text', 'text', 'text', 'integer', 'timestamp with time zone'],
  'authenticated', '{}'::text[], 'Clients cannot call issue_login_link');
select function_privs_are('public', 'consume_login',
  array['text', 'text', 'text', 'integer', 'text', 'timestamp with time zone'],
  'authenticated', '{}'::text[], 'Clients cannot call consume_login');
select function_privs_are('public', 'touch_session', array['uuid', 'integer', 'timestamp with time zone'],
  'authenticated', '{}'::text[], 'Clients cannot call touch_session');
select function_privs_are('public', 'revoke_session', array['uuid', 'timestamp with time zone'],
  'authenticated', '{}'::text[], 'Clients cannot call revoke_session');
-- Payment functions: the service role's only (Stripe events, Checkout Sessions, the outbox).
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace
                      and p.proname in ('handle_stripe_event', 'record_checkout_payment', 'prepare_checkout',
                                        'save_checkout_session', 'expire_checkout_session', 'payment_settings',
                                        'claim_outbox', 'finish_outbox')
                      and (has_function_privilege('authenticated', p.oid, 'EXECUTE')
                           or not has_function_privilege('service_role', p.oid, 'EXECUTE')) $$,
  'Only the service role can call the payment and outbox functions');
select is((select count(distinct p.proname)::int from pg_proc p
            where p.pronamespace = 'public'::regnamespace
              and p.proname in ('handle_stripe_event', 'record_checkout_payment', 'prepare_checkout',
                                'save_checkout_session', 'expire_checkout_session', 'payment_settings',
                                'claim_outbox', 'finish_outbox')), 8,
  'and all eight exist (so the check above checked something)');
select ok(has_function_privilege('service_role', 'public.issue_login_link(text, text, text, integer, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.claim_sign_in_requests(integer, integer, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.finish_sign_in_request(uuid, text, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.consume_login(text, text, text, integer, text, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.touch_session(uuid, integer, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.revoke_session(uuid, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.request_sign_in(text, inet, timestamptz)', 'EXECUTE')
          and has_function_privilege('service_role', 'public.client_has_portal_access(text)', 'EXECUTE'),
  'The service role can call every sign-in function');

select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace and p.proname = 'update_contact'
                      and p.proargnames && array['p_email', 'p_name'] $$,
  'update_contact takes no email or name: clients never change those');
select is_empty($$ select p.oid::regprocedure from pg_proc p
                    where p.pronamespace = 'public'::regnamespace
                      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                                         and d.objid = p.oid and d.deptype = 'e')
                      and exists (select from unnest(p.proargnames) n where n !~ '^p_') $$,
  'Every argument of a public function is prefixed p_ (PostgREST calls them by name)');

-- ============================================================================================
-- Constraints the rest of the suite relies on
-- ============================================================================================
select has_index('public', 'clients', 'clients_email_lower_key',
  'Client emails are unique regardless of case (index clients_email_lower_key)');
select ok((select c.contype = 'x' from pg_constraint c
            where c.conrelid = 'public.bookings'::regclass and c.conname = 'bookings_no_overlap'),
  'bookings carries the exclusion constraint bookings_no_overlap');
select is((select count(*)::int from public.settings), 1, 'settings holds exactly one row');

select * from finish();
rollback;
