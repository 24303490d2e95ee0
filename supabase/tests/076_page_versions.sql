-- Page versions (issue 12): a kept portal page is served again only while its version holds, so
-- every change to a row a client's pages show must raise that client's version, and no one
-- else's; and the version tells a client nothing about anyone else.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(38);

select tests.create_clients();  -- A and B with portal access, C without, D archived
insert into public.invoices (id, client_id, number, status) values
  ('aaaaaaaa-0001-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000000', 'PV-INV-A', 'sent'),
  ('bbbbbbbb-0001-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-000000000000', 'PV-INV-B', 'sent');
insert into public.quotes (id, client_id, number, status) values
  ('aaaaaaaa-0002-4000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-000000000000', 'PV-QUO-A', 'sent');

/** Whose page versions a statement raised: 'A', 'B', 'A and B' or 'nobody'. */
create function pg_temp.raised_by(p_sql text) returns text
language plpgsql as $$
declare
  a bigint := coalesce((select version from private.page_versions where client_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0);
  b bigint := coalesce((select version from private.page_versions where client_id = 'bbbbbbbb-0000-4000-8000-000000000000'), 0);
  a_raised boolean;
  b_raised boolean;
begin
  execute p_sql;
  a_raised := coalesce((select version from private.page_versions where client_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0) > a;
  b_raised := coalesce((select version from private.page_versions where client_id = 'bbbbbbbb-0000-4000-8000-000000000000'), 0) > b;
  return case when a_raised and b_raised then 'A and B' when a_raised then 'A'
              when b_raised then 'B' else 'nobody' end;
end
$$;

-- Every table a client's pages read raises its versions, for each kind of change.
select has_trigger('public', t, 'raise_page_versions_' || op,
                   format('%s on %s raises page versions', op, t))
  from unnest(array['clients', 'contacts', 'invoices', 'invoice_items', 'payments', 'payment_shares',
                    'refunds', 'checkout_sessions', 'quotes', 'quote_items', 'activity']) t,
       unnest(array['insert', 'update', 'delete']) op
 where t in ('clients', 'invoice_items', 'refunds') or op = 'update';

-- A new table of a client's rows must raise its versions too, or say here that no kept page
-- shows it.
select is(array(select c.table_name::text from information_schema.columns c
                 where c.table_schema = 'public' and c.column_name = 'client_id'
                   and c.table_name not in ('account_preferences', 'bookings', 'outbox')
                   and not exists (select from pg_trigger t
                                    where t.tgrelid = format('public.%I', c.table_name)::regclass
                                      and t.tgname = 'raise_page_versions_update')
                 order by 1),
          array[]::text[],
          'Every table of a client''s rows raises page versions, but those no kept page shows');

select is(pg_temp.raised_by($$update public.invoices set notes = 'changed' where number = 'PV-INV-A'$$), 'A',
          'An invoice''s change raises its client''s version, and no other''s');
select is(pg_temp.raised_by($$insert into public.invoice_items (invoice_id, description, unit_price)
                              values ('aaaaaaaa-0001-4000-8000-0000000000a1', 'A line', 1000)$$), 'A',
          'A new invoice line raises its invoice''s client''s version');
select is(pg_temp.raised_by($$delete from public.invoice_items where description = 'A line'$$), 'A',
          'So does a deleted line');
select is(pg_temp.raised_by($$insert into public.quote_items (quote_id, description, unit_price)
                              values ('aaaaaaaa-0002-4000-8000-0000000000a2', 'A quote line', 500)$$), 'A',
          'A quote''s line raises its quote''s client''s version');
select is(pg_temp.raised_by($$update public.clients set name = 'Ada Renamed' where email = 'a@pgtap.test'$$), 'A',
          'The client''s own row raises it');
select is(pg_temp.raised_by($$update public.invoices set client_id = 'bbbbbbbb-0000-4000-8000-000000000000'
                              where number = 'PV-INV-A'$$), 'A and B',
          'An invoice moved to another client raises both clients'' versions');

-- What a signed-in client reads.
select tests.act_as_client('a@pgtap.test');
select ok(private.page_version() like 'aaaaaaaa-0000-4000-8000-000000000000/%',
          'A client''s page version starts with its own id');
select ok(private.page_version() like '%/' || private.business_today() || '/%',
          'It holds the business''s date, which turns invoices overdue');
select set_config('tests.version', private.page_version(), true);
select tests.act_as_owner();
select is(pg_temp.raised_by($$update public.settings set business_name = business_name || ' & Co'$$), 'nobody',
          'The settings raise no client''s version (page_version reads them itself)');
select tests.act_as_client('a@pgtap.test');
select isnt(private.page_version(), current_setting('tests.version'), 'A change to the settings changes it');
select set_config('tests.version', private.page_version(), true);
select tests.act_as_owner();
update public.clients set name = 'Bea Renamed' where email = 'b@pgtap.test';
select tests.act_as_client('a@pgtap.test');
select is(private.page_version(), current_setting('tests.version'), 'Another client''s change does not');

-- A kept page's session check reads the version once, and holds the page's calls back only
-- when it is the one kept.
select is(private.touch_current_session_for_page(1800, now(), current_setting('tests.version')) ->> 'page_version',
          current_setting('tests.version'), 'A kept page''s session check returns the page''s version');
select is(current_setting('portal.page_kept'), 'on', 'and, when it is the one kept, holds the page''s calls back');
select is(private.touch_current_session_for_page(1800, now(), 'an older version') ->> 'page_version',
          current_setting('tests.version'), 'The same version when another one is kept');
select is(current_setting('portal.page_kept'), 'off', 'and then the page''s calls run');
select tests.act_as_client('c@pgtap.test');
select is(private.touch_current_session_for_page(1800, now(), null)
            - 'expires_at' - 'client_id' - 'email' - 'profile_version',
          '{"status": "not_allowed", "page_version": null}'::jsonb,
          'A session the check ends has no page version');

select tests.act_as_client('c@pgtap.test');
select is(private.page_version(), null, 'A client without portal access has none');
select tests.act_as_anon();
select throws_ok($$ select private.page_version() $$, '42501', null, 'The anonymous role cannot ask');
select tests.act_as_owner();
select ok(not has_function_privilege('authenticated', 'private.page_version_of(uuid)', 'EXECUTE'),
          'Clients cannot ask for a given client''s version');
select ok(not has_table_privilege('authenticated', 'private.page_versions', 'select'),
          'Clients cannot read the versions table');

select * from finish();
rollback;
