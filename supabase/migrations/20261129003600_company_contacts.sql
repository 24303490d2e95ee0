/**
 * Company accounts (issue 15): a client has one or more contacts, the people who sign in. Each
 * has an email (unique across all contacts, ignoring case), a name and a role:
 *   owner    everything, including managing contacts;
 *   billing  invoices, payments, receipts, statements (pays);
 *   approver quotes (accepts or rejects);
 *   viewer   reads only.
 * Identity (private.current_client_id) resolves the JWT's email to one contact and its client.
 * Every existing client becomes a client with one owner contact carrying its email and name;
 * clients.email stays, as the owner's address administrators set (a trigger keeps that owner
 * contact in step), so the dashboard works as before.
 *
 * Sessions and sign-in links name the contact they belong to: removing a contact deletes them
 * (Postgres mode) and its GoTrue sessions (Supabase mode), so the person is signed out at once.
 * Activity entries a signed-in person causes record who (contact_id, and the name at the time).
 *
 * Functions of functions/ are never called here; the trigger functions are defined here.
 */

-- Types ---------------------------------------------------------------------------------------

alter type public.activity_kind add value if not exists 'contact_added';
alter type public.activity_kind add value if not exists 'contact_role_changed';
alter type public.activity_kind add value if not exists 'contact_removed';

-- Tables --------------------------------------------------------------------------------------

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.clients (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
  name text not null check (length(btrim(name)) between 1 and 200),
  role text not null check (role in ('owner', 'billing', 'approver', 'viewer')),
  created_at timestamptz not null default now(),
  -- The contact who invited this one (null for the first owner, or an administrator's).
  invited_by uuid references public.contacts (id) on delete set null
);
comment on table public.contacts is
  'The people of a client who sign in: email (unique across all contacts), name, role '
  '(owner | billing | approver | viewer). The owner with the client''s email follows clients.email.';

-- One person, one contact: identity maps an email to exactly one client.
create unique index contacts_email_lower_key on public.contacts (lower(email));
create index contacts_client_idx on public.contacts (client_id);
create index contacts_invited_by_idx on public.contacts (invited_by);

alter table private.sessions
  add column contact_id uuid references public.contacts (id) on delete cascade;
alter table private.login_links
  add column contact_id uuid references public.contacts (id) on delete cascade;
create index sessions_contact_idx on private.sessions (contact_id) where revoked_at is null;
create index login_links_contact_idx on private.login_links (contact_id);

alter table public.activity
  -- The person who did it, when a signed-in contact did; their name is kept as it was.
  add column contact_id uuid references public.contacts (id) on delete set null,
  add column person text check (length(person) <= 200);
create index activity_contact_idx on public.activity (contact_id);

-- Grants and row-level security -----------------------------------------------------------------

alter table public.contacts enable row level security;
revoke all on public.contacts from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.contacts to service_role;

-- Every existing client: one owner contact with its email and name ---------------------------------

insert into public.contacts (client_id, email, name, role, created_at)
select c.id, c.email, c.name, 'owner', c.created_at from public.clients c;

update private.sessions s set contact_id = k.id
  from public.contacts k where k.client_id = s.client_id;
update private.login_links l set contact_id = k.id
  from public.contacts k where k.client_id = l.client_id;

-- Triggers ------------------------------------------------------------------------------------

/**
 * A client made or re-addressed in the dashboard keeps an owner contact with its email: new
 * clients get one, and an email changed on the client moves its owner contact along.
 */
create or replace function private.keep_owner_contact() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.contacts (client_id, email, name, role) values (new.id, new.email, new.name, 'owner');
  elsif lower(new.email) <> lower(old.email) then
    update public.contacts k set email = new.email
     where k.client_id = new.id and lower(k.email) = lower(old.email);
  end if;
  return null;
end
$$;
revoke all on function private.keep_owner_contact() from public, anon, authenticated, service_role;

create trigger keep_owner_contact after insert or update of email on public.clients
  for each row execute function private.keep_owner_contact();

/**
 * A removed contact is signed out at once in Supabase mode too: its GoTrue sessions go (their
 * refresh tokens with them). Postgres mode's sessions and links go by the foreign key.
 */
create or replace function private.end_removed_contact_sessions() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if to_regclass('auth.sessions') is not null then
    delete from auth.sessions a
     using auth.users u
     where u.id = a.user_id and lower(u.email) = lower(old.email);
  end if;
  return null;
end
$$;
revoke all on function private.end_removed_contact_sessions() from public, anon, authenticated, service_role;

create trigger end_removed_contact_sessions after delete on public.contacts
  for each row execute function private.end_removed_contact_sessions();

/** Activity a signed-in person causes names them (their contact, and the name as it was). */
create or replace function private.stamp_activity_person() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.contact_id is null and coalesce(auth.role(), '') = 'authenticated' then
    select k.id, k.name into new.contact_id, new.person
      from public.contacts k
     where lower(k.email) = lower(auth.jwt() ->> 'email') and k.client_id = new.client_id;
  end if;
  return new;
end
$$;
revoke all on function private.stamp_activity_person() from public, anon, authenticated, service_role;

create trigger stamp_activity_person before insert on public.activity
  for each row execute function private.stamp_activity_person();
