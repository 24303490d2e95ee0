/**
 * The rules update_contact and accept_quote check, kept by the tables too: clients may write
 * these columns directly (column grants), and a direct write must not get past them.
 * Also: payments and checkout sessions follow their invoice when an administrator moves it to
 * another client, and the service role may run the time-zone check settings use.
 */

-- Constraints ---------------------------------------------------------------------------------

alter table public.clients
  add constraint clients_phone_format check (
    phone ~ '^\+?[0-9][0-9 ().-]{2,28}[0-9]( ?(x|ext\.?) ?[0-9]{1,6})?$' and length(phone) <= 40),
  add constraint clients_address_plain_text check (
    coalesce(address_line1, '') || coalesce(address_line2, '') || coalesce(city, '') ||
    coalesce(region, '') || coalesce(postal_code, '') || coalesce(country, '') !~ '[[:cntrl:]<>]');

alter table public.quotes
  add constraint quotes_signatures_plain_text check (
    coalesce(accepted_by, '') || coalesce(rejected_by, '') !~ '[[:cntrl:]<>]'),
  -- A reason may span lines; other control characters have no business in it.
  add constraint quotes_reason_plain_text check (rejection_reason !~ '[\x01-\x08\x0b\x0c\x0e-\x1f]');

-- Grants --------------------------------------------------------------------------------------

grant execute on function private.is_time_zone(text) to service_role;

-- Triggers ------------------------------------------------------------------------------------

/** A payment belongs to its invoice's client, also after the invoice changes hands. */
create or replace function private.follow_invoice_client() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.payments p set client_id = new.client_id where p.invoice_id = new.id;
  update public.checkout_sessions s set client_id = new.client_id where s.invoice_id = new.id;
  return null;
end
$$;

create trigger follow_invoice_client after update of client_id on public.invoices
  for each row when (old.client_id is distinct from new.client_id)
  execute function private.follow_invoice_client();
