/**
 * Every deployment path gets the same protection, whatever the project's default privileges.
 *
 * The Supabase CLI (`db reset`, `start`, `db push`) applies only supabase/migrations/, so row-level
 * security cannot wait for sql/policies/: it is switched on here for every table the earlier
 * migrations created (they are never edited), and from now on by the migration that creates a
 * table. The API roles lose whatever default privileges gave them (older projects grant every
 * new table to all of them; new projects still leave TRUNCATE, REFERENCES and TRIGGER); what
 * each role needs is granted back explicitly, here and in sql/policies/<table>.sql.
 *
 * Also takes back the first migration's global `alter default privileges revoke execute on
 * functions from public`: it reached every function the migrating role (`postgres`, the
 * dashboard's role too) would ever create, in any schema. Every function file revokes PUBLIC's
 * EXECUTE on its own function instead.
 */

-- Row-level security and the API roles --------------------------------------------------------

alter table public.settings enable row level security;
alter table public.clients enable row level security;
alter table public.activity enable row level security;
alter table public.invoices enable row level security;
alter table public.invoice_items enable row level security;
alter table public.payments enable row level security;
alter table public.quotes enable row level security;
alter table public.quote_items enable row level security;
alter table public.stripe_events enable row level security;
alter table public.outbox enable row level security;
alter table public.booking_links enable row level security;
alter table public.booking_availability enable row level security;
alter table public.booking_blocked_dates enable row level security;
alter table public.bookings enable row level security;
alter table public.checkout_sessions enable row level security;

revoke all on public.settings, public.clients, public.activity, public.invoices,
  public.invoice_items, public.payments, public.quotes, public.quote_items, public.stripe_events,
  public.outbox, public.booking_links, public.booking_availability, public.booking_blocked_dates,
  public.bookings, public.checkout_sessions
  from public, anon, authenticated, service_role;
-- Identity columns draw from these without any privilege on them: nobody needs one.
revoke all on sequence public.activity_id_seq, public.outbox_id_seq, private.login_requests_id_seq
  from public, anon, authenticated, service_role;

-- Grants --------------------------------------------------------------------------------------

-- The trusted server (webhooks, the sign-in access check, checkout, the outbox) reads and
-- writes the portal's tables; it bypasses RLS. Clients get their grants in sql/policies/.
grant select, insert, update, delete on public.settings, public.clients, public.activity,
  public.invoices, public.invoice_items, public.payments, public.quotes, public.quote_items,
  public.stripe_events, public.outbox, public.booking_links, public.booking_availability,
  public.booking_blocked_dates, public.bookings, public.checkout_sessions
  to service_role;

-- The functions of the earlier migrations, pinned whatever the defaults were when they ran:
-- trigger functions need no EXECUTE to fire; the check on settings.time_zone and the money
-- format of emails run as the service role.
revoke all on function private.is_time_zone(text), private.touch_updated_at(),
  private.record_activity(uuid, public.activity_kind, text, uuid, text, jsonb),
  private.record_contact_updated(), private.refresh_document_totals(), private.stamp_invoice_dates(),
  private.record_invoice_sent(), private.set_payment_client(), private.refresh_invoice_amount_paid(),
  private.record_payment_activity(), private.stamp_quote_decision(), private.record_quote_activity(),
  private.record_booking_activity(), private.format_money(bigint, text),
  private.follow_invoice_client(), private.check_booking(), private.announce_booking()
  from public, anon, authenticated, service_role;
grant execute on function private.is_time_zone(text), private.format_money(bigint, text)
  to service_role;

-- Default privileges: only the project's own -------------------------------------------------

-- Back to Postgres's built-in default for the migrating role (EXECUTE for PUBLIC on new
-- functions); this removes the global entry the first migration made.
alter default privileges grant execute on functions to public;

-- The first migration also revoked EXECUTE on new functions in `public` from anon and
-- authenticated. On an older project that took back a default Supabase had granted, so give it
-- back there (recognised by its default grant of new tables to anon); on a new project there
-- was nothing to take, and nothing is given.
do $$
begin
  if exists (select from pg_default_acl d
              where d.defaclrole = current_user::regrole and d.defaclobjtype = 'r'
                and d.defaclnamespace = 'public'::regnamespace
                and exists (select from aclexplode(d.defaclacl) a
                             where a.grantee = 'anon'::regrole and a.privilege_type = 'SELECT')) then
    alter default privileges in schema public grant execute on functions to anon, authenticated;
  end if;
end
$$;
