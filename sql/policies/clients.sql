/**
 * clients: a client's contacts read its row; its owner changes only its phone and address
 * (column grants), never its name, email, portal access or archived flag.
 */
revoke all on public.clients from anon, authenticated;
grant select on public.clients to authenticated;
grant update (phone, address_line1, address_line2, city, region, postal_code, country)
  on public.clients to authenticated;
alter table public.clients enable row level security;

drop policy if exists "Clients can view their own record" on public.clients;
create policy "Clients can view their own record"
  on public.clients for select
  to authenticated
  using (id = (select private.current_client_id()));

drop policy if exists "Clients can update their own contact details" on public.clients;
create policy "Clients can update their own contact details"
  on public.clients for update
  to authenticated
  using (id = (select private.current_client_id())
         and (select private.role_may((private.current_contact()).role, 'edit_profile')))
  with check (id = (select private.current_client_id()));
