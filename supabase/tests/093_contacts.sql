-- Company accounts: a client's contacts and their roles. Identity maps an email to one contact;
-- roles decide actions in the database (a viewer cannot pay or decide, an approver cannot pay);
-- the owner manages people; a removed contact is signed out at once, in both modes; activity
-- names the person.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select plan(49);

-- Fixtures: A (owner a@) with a billing, an approver and a viewer; B; a sent invoice and two
-- pending quotes of A ------------------------------------------------------------------------
set local timezone = 'UTC';
select tests.create_clients();
insert into public.contacts (id, client_id, email, name, role) values
  ('c0000000-0000-4000-8000-00000000000b', 'aaaaaaaa-0000-4000-8000-000000000000', 'Bill@pgtap.test', 'Bill Keeper', 'billing'),
  ('c0000000-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000000', 'appr@pgtap.test', 'Ann Prover', 'approver'),
  ('c0000000-0000-4000-8000-00000000000c', 'aaaaaaaa-0000-4000-8000-000000000000', 'view@pgtap.test', 'Vi Ewer', 'viewer');
insert into public.invoices (id, client_id, number, status) values
  ('aaaaaaaa-0000-4000-8001-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000000', 'CT-INV-1', 'sent');
insert into public.quotes (id, client_id, number, status, valid_until) values
  ('aaaaaaaa-0000-4000-8002-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000000', 'CT-Q-1', 'sent', current_date + 30),
  ('aaaaaaaa-0000-4000-8002-0000000000c2', 'aaaaaaaa-0000-4000-8000-000000000000', 'CT-Q-2', 'sent', current_date + 30);

-- ============================================================================================
-- Every client has one owner contact with its email (migration and trigger)
-- ============================================================================================
select is((select count(*) from public.clients c
            where (select count(*) from public.contacts k where k.client_id = c.id and k.role = 'owner'
                      and lower(k.email) = lower(c.email)) <> 1), 0::bigint,
          'Every client has exactly one owner contact carrying its email');
select throws_ok($$ insert into public.contacts (client_id, email, name, role)
                    values ('bbbbbbbb-0000-4000-8000-000000000000', 'BILL@pgtap.test', 'Copy', 'viewer') $$,
  '23505', null, 'An email belongs to one contact across all clients, whatever its case');
update public.clients set email = 'ada.new@pgtap.test' where id = 'aaaaaaaa-0000-4000-8000-000000000000';
select is((select email from public.contacts where client_id = 'aaaaaaaa-0000-4000-8000-000000000000' and role = 'owner'),
          'ada.new@pgtap.test', 'An administrator''s change of the client''s email moves its owner contact along');
update public.clients set email = 'a@pgtap.test' where id = 'aaaaaaaa-0000-4000-8000-000000000000';

-- ============================================================================================
-- Identity: each contact is its client
-- ============================================================================================
select tests.act_as_client('bill@pgtap.test');
select is(private.current_client_id(), 'aaaaaaaa-0000-4000-8000-000000000000'::uuid,
          'A billing contact is client A (the email matched ignoring case)');
select is((select count(*) from public.invoices), 1::bigint, 'and reads A''s invoices');
select is((select count(*) from public.contacts), 4::bigint, 'and sees A''s four people, not B''s');

-- ============================================================================================
-- Roles and actions
-- ============================================================================================
create function pg_temp.allowed(p_email text, p_action text) returns boolean language plpgsql as $$
begin
  perform tests.act_as_client(p_email);
  perform check_role_for(p_action);
  return true;
exception when insufficient_privilege then
  return false;
end
$$;
grant execute on function pg_temp.allowed(text, text) to authenticated;
select tests.act_as_owner();
select is(
  (select jsonb_object_agg(e || ':' || a, pg_temp.allowed(e || '@pgtap.test', a))
     from unnest(array['a', 'bill', 'appr', 'view']) e,
          unnest(array['pay', 'decide', 'book', 'edit_profile', 'manage_contacts']) a),
  '{"a:pay": true, "a:decide": true, "a:book": true, "a:edit_profile": true, "a:manage_contacts": true,
    "bill:pay": true, "bill:decide": false, "bill:book": true, "bill:edit_profile": false, "bill:manage_contacts": false,
    "appr:pay": false, "appr:decide": true, "appr:book": true, "appr:edit_profile": false, "appr:manage_contacts": false,
    "view:pay": false, "view:decide": false, "view:book": false, "view:edit_profile": false, "view:manage_contacts": false}'::jsonb,
  'Owner: everything; billing: pay; approver: decide; viewer: read only');

select tests.act_as_client('view@pgtap.test');
select throws_ok($$ select accept_quote('aaaaaaaa-0000-4000-8002-0000000000c1', 'Vi Ewer') $$, '42501', null,
  'A viewer cannot accept a quote');
select throws_ok($$ select reject_quote('aaaaaaaa-0000-4000-8002-0000000000c1', 'no') $$, '42501', null,
  'A viewer cannot reject a quote');
select throws_ok($$ select check_role_for('pay') $$, '42501',
  'Your role (viewer) cannot pay invoices. Ask your account''s owner or billing contact.', 'A viewer cannot pay');
select throws_ok($$ select plan_payment(array['aaaaaaaa-0000-4000-8001-0000000000c1']::uuid[]) $$, '42501',
  'Your role (viewer) cannot pay invoices. Ask your account''s owner or billing contact.',
  'A viewer cannot plan a payment (every /pay Checkout is opened from a plan)');
select throws_ok($$ select update_contact('+1 555 010 2000', null, null, null, null, null, null) $$, '42501', null,
  'A viewer cannot change the client''s contact details');
select is((select count(*) from public.clients where phone = '+1 555 010 2000'), 0::bigint,
  'nor through the table (the policy names the owner)');
update public.clients set phone = '+1 555 010 2000';
select is((select count(*) from public.clients where phone = '+1 555 010 2000'), 0::bigint,
  'A viewer''s direct UPDATE of the client changes nothing');
select throws_ok($$ select invite_contact('x@pgtap.test', 'X', 'viewer') $$, '42501', null,
  'A viewer cannot invite anyone');

select tests.act_as_client('bill@pgtap.test');
select throws_ok($$ select accept_quote('aaaaaaaa-0000-4000-8002-0000000000c1', 'Bill Keeper') $$, '42501',
  'Your role (billing) cannot accept or reject quotes. Ask your account''s owner or approver.',
  'A billing contact cannot accept a quote');
select is(check_role_for('pay'), 'true'::jsonb, 'A billing contact may pay');
select throws_ok($$ select remove_contact('c0000000-0000-4000-8000-00000000000c') $$, '42501', null,
  'A billing contact cannot remove anyone');

select tests.act_as_client('appr@pgtap.test');
select throws_ok($$ select check_role_for('pay') $$, '42501', null, 'An approver cannot pay');
select throws_ok($$ select plan_payment(array['aaaaaaaa-0000-4000-8001-0000000000c1']::uuid[]) $$, '42501', null,
  'An approver cannot plan a payment');
select is(accept_quote('aaaaaaaa-0000-4000-8002-0000000000c1', 'Ann Prover') ->> 'status', 'accepted',
  'An approver accepts a quote');
select is(reject_quote('aaaaaaaa-0000-4000-8002-0000000000c2', 'Too dear') ->> 'status', 'rejected',
  'and rejects another');
select tests.act_as_owner();
select is((select array[accepted_by, decided_by_email] from public.quotes where number = 'CT-Q-1'),
  array['Ann Prover', 'appr@pgtap.test'], 'The decision names the person who made it');
select is((select rejected_by from public.quotes where number = 'CT-Q-2'), 'Ann Prover',
  'A rejection carries the person''s name, not the company''s');
select is((select person from public.activity where kind = 'quote_accepted' and subject_id = 'aaaaaaaa-0000-4000-8002-0000000000c1'),
  'Ann Prover', 'Activity records which person accepted');

-- ============================================================================================
-- The owner manages people
-- ============================================================================================
select tests.act_as_client('a@pgtap.test');
select is(invite_contact(' Rita@PGTAP.test ', 'Rita Counter', 'billing') ->> 'email', 'rita@pgtap.test',
  'The owner invites a colleague');
select throws_ok($$ select invite_contact('b@pgtap.test', 'B', 'viewer') $$, '23505', null,
  'Another client''s address cannot be invited');
select throws_ok($$ select invite_contact('not an email', 'N', 'viewer') $$, '22023', null, 'A bad address is refused');
select throws_ok($$ select invite_contact('n@pgtap.test', 'N', 'admin') $$, '22023', null, 'An unknown role is refused');
select is(change_contact_role('c0000000-0000-4000-8000-00000000000c', 'approver') ->> 'role', 'approver',
  'The owner changes a role');
select throws_ok($$ select change_contact_role((private.current_contact()).id, 'viewer') $$, '55000', null,
  'The owner cannot demote themselves (the client keeps an owner)');
select throws_ok($$ select remove_contact((select id from public.contacts where email = 'b@pgtap.test')) $$, 'P0002', null,
  'B''s owner is not A''s to remove');
select is((select count(*) from public.contacts where lower(email) = 'rita@pgtap.test'), 1::bigint,
  'The invited colleague is one of A''s people');
select is((select array_agg(person order by id) from public.activity
            where kind in ('contact_added', 'contact_role_changed') and client_id = 'aaaaaaaa-0000-4000-8000-000000000000'),
  array['Ada Tap', 'Ada Tap'], 'Activity records who invited and who changed a role');

-- A removed contact is signed out at once, in both modes ----------------------------------------
select tests.act_as_owner();
insert into auth.users (id, email) values ('11111111-0000-4000-8000-0000000000b1', 'bill@pgtap.test');
insert into auth.sessions (id, user_id) values ('22222222-0000-4000-8000-0000000000b1', '11111111-0000-4000-8000-0000000000b1');
select tests.act_as('authenticated', jsonb_build_object('sub', '11111111-0000-4000-8000-0000000000b1',
  'email', 'bill@pgtap.test', 'role', 'authenticated', 'session_id', '22222222-0000-4000-8000-0000000000b1',
  'amr', jsonb_build_array(jsonb_build_object('method', 'otp', 'timestamp', 1)), 'is_anonymous', false));
select is(portal_session_live(), 'true'::jsonb, 'Supabase mode: the billing contact''s GoTrue session is live');
select is(portal_page('[]') ->> 'status', 'active', 'and its page request (portal_page) runs');
select tests.act_as_client('a@pgtap.test');
select is(remove_contact('c0000000-0000-4000-8000-00000000000b') ->> 'email', 'Bill@pgtap.test', 'The owner removes them');
select tests.act_as_owner();
select is((select count(*) from private.sessions where id = md5('bill@pgtap.test')::uuid), 0::bigint,
  'Postgres mode: their session is gone');
select is((select count(*) from auth.sessions where user_id = '11111111-0000-4000-8000-0000000000b1'), 0::bigint,
  'Supabase mode: their GoTrue session is gone (its refresh tokens with it)');
select tests.act_as('authenticated', jsonb_build_object('sub', md5('bill@pgtap.test')::uuid,
  'email', 'bill@pgtap.test', 'role', 'authenticated', 'session_id', md5('bill@pgtap.test')::uuid,
  'amr', jsonb_build_array(jsonb_build_object('method', 'otp', 'timestamp', 1)), 'is_anonymous', false));
select is(private.current_client_id(), null, 'The removed person''s token is nobody');
select tests.act_as('authenticated', jsonb_build_object('sub', '11111111-0000-4000-8000-0000000000b1',
  'email', 'bill@pgtap.test', 'role', 'authenticated', 'session_id', '22222222-0000-4000-8000-0000000000b1',
  'amr', jsonb_build_array(jsonb_build_object('method', 'otp', 'timestamp', 1)), 'is_anonymous', false));
select is(portal_page('[{"function": "portal_invoices"}]'), '{"status": "not_allowed"}'::jsonb,
  'Supabase mode: the removed person''s page request (portal_page) is refused, no call runs');
select is(portal_session_live(), 'false'::jsonb, 'and their session is no longer live');
select is((select count(*) from public.invoices), 0::bigint, 'and reads nothing');
select tests.act_as_owner();
select is((select array_agg(person) from public.activity
            where kind = 'contact_removed' and client_id = 'aaaaaaaa-0000-4000-8000-000000000000'),
          array['Ada Tap'], 'Activity records who removed them');

-- A re-addressed or moved contact is signed out at once (Postgres mode) ------------------------
select tests.act_as_client('a@pgtap.test');  -- A's owner is signed in too
select tests.act_as_owner();
select tests.open_session('rita@pgtap.test');
update public.contacts set name = 'Rita Renamed' where lower(email) = 'rita@pgtap.test';
update public.contacts set email = 'RITA@pgtap.test' where lower(email) = 'rita@pgtap.test';
select is((select revoked_at from private.sessions where id = md5('rita@pgtap.test')::uuid), null,
  'A new name, or the same email in other letter case, leaves the contact''s session live');
update public.contacts set email = 'rita.new@pgtap.test' where lower(email) = 'rita@pgtap.test';
select isnt((select revoked_at from private.sessions where id = md5('rita@pgtap.test')::uuid), null,
  'A new email ends the contact''s session');
select tests.open_session('rita.new@pgtap.test');
update public.contacts set client_id = 'bbbbbbbb-0000-4000-8000-000000000000'
 where lower(email) = 'rita.new@pgtap.test';
select isnt((select revoked_at from private.sessions where id = md5('rita.new@pgtap.test')::uuid), null,
  'Moving a contact to another client ends its session');
select is((select revoked_at from private.sessions where id = md5('a@pgtap.test')::uuid), null,
  'and no one else''s');
select ok(not has_function_privilege('authenticated', 'private.end_changed_contact_sessions()', 'EXECUTE'),
  'Clients cannot call the trigger''s function');

select * from finish();
rollback;
