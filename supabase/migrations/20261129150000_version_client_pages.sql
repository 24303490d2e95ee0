/**
 * Issue 12: a portal page the process has rendered before is served again, without reading or
 * rendering its data, while nothing it shows has changed.
 *
 * Every client has a page version, which the database raises in the same transaction as any
 * change to a row a client's pages show: the client, its contacts, invoices and their lines,
 * payments, payment shares, refunds, checkout attempts, quotes and their lines, and activity.
 * private.page_version() adds what is not a client's row: the business's date (an invoice turns
 * overdue and a quote expires by the calendar alone) and the settings' version (the layout shows
 * the business profile). The page call and the version travel in one statement, so a page is
 * always kept under a version no newer than its data.
 *
 * Statement-level triggers with transition tables: a bulk import raises each client's version
 * once per statement, not once per row. (Postgres allows transition tables only on a trigger
 * for one event, hence three triggers per table.) A version row is never deleted; a missing one
 * reads as 0.
 */
create table private.page_versions (
  client_id uuid primary key,
  version bigint not null default 1
);
comment on table private.page_versions is
  'How many times anything a client''s portal pages show changed: part of a kept page''s key.';
-- Only definer functions read it (private.page_version); the trusted server gets what it gets on
-- every table.
alter table private.page_versions enable row level security;
revoke all on private.page_versions from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.page_versions to service_role;

/** Raises the page versions of the clients whose rows a statement changed. Static queries,
 * not EXECUTE: PL/pgSQL keeps a compiled copy per trigger (hence per table), so each plan is made
 * once, where EXECUTE would plan on every firing (a webhook's payment fires several). */
create or replace function private.raise_page_versions() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed uuid[] := '{}';
begin
  -- The client of each changed row: the document's for a line, the row's own otherwise.
  if tg_op <> 'INSERT' then
    if tg_table_name = 'clients' then
      changed := changed || array(select r.id from old_rows r);
    elsif tg_table_name = 'invoice_items' then
      changed := changed || array(select i.client_id from old_rows r join public.invoices i on i.id = r.invoice_id);
    elsif tg_table_name = 'quote_items' then
      changed := changed || array(select q.client_id from old_rows r join public.quotes q on q.id = r.quote_id);
    else
      changed := changed || array(select r.client_id from old_rows r);
    end if;
  end if;
  if tg_op <> 'DELETE' then
    if tg_table_name = 'clients' then
      changed := changed || array(select r.id from new_rows r);
    elsif tg_table_name = 'invoice_items' then
      changed := changed || array(select i.client_id from new_rows r join public.invoices i on i.id = r.invoice_id);
    elsif tg_table_name = 'quote_items' then
      changed := changed || array(select q.client_id from new_rows r join public.quotes q on q.id = r.quote_id);
    else
      changed := changed || array(select r.client_id from new_rows r);
    end if;
  end if;
  -- In key order, so two transactions raising the same clients take their locks in one order.
  insert into private.page_versions as v (client_id)
  select distinct c from unnest(changed) c where c is not null order by c
  on conflict on constraint page_versions_pkey do update set version = v.version + 1;
  return null;
end
$$;
revoke all on function private.raise_page_versions() from public, anon, authenticated, service_role;

do $$
declare
  shown text;
  op text;
begin
  foreach shown in array array['clients', 'contacts', 'invoices', 'invoice_items', 'payments',
                               'payment_shares', 'refunds', 'checkout_sessions', 'quotes',
                               'quote_items', 'activity'] loop
    foreach op in array array['insert', 'update', 'delete'] loop
      execute format(
        'create trigger raise_page_versions_%2$s after %2$s on public.%1$I referencing %3$s'
        ' for each statement execute function private.raise_page_versions()',
        shown, op, case op when 'insert' then 'new table as new_rows'
                           when 'delete' then 'old table as old_rows'
                           else 'old table as old_rows new table as new_rows' end);
    end loop;
  end loop;
end
$$;
