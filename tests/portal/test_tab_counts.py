"""Issue 12: the invoice and quote tab counts come from counters kept by triggers (plus an
indexed count of what today's date decides), and always equal what a full scan of the
client's documents says: after inserts, updates, status changes, payments, archiving, moves
between clients, deletes, and days passing."""

import json

import pytest

from tests.identity import portal_claims

# What the tabs must say, counted the slow way over every visible document (as the owner).
TRUE_INVOICE_COUNTS = """
select jsonb_build_object(
  'all', count(*),
  'paid', count(*) filter (where status = 'sent' and amount_due = 0),
  'unpaid', count(*) filter (where status = 'sent' and amount_due > 0),
  'overdue', count(*) filter (where status = 'sent' and amount_due > 0
                                and due_date < private.business_today()))
  from public.invoices where client_id = %s and status <> 'draft' and not archived
"""
TRUE_QUOTE_COUNTS = """
select jsonb_build_object(
  'all', count(*),
  'pending', count(*) filter (where status = 'sent' and valid_until >= private.business_today()),
  'accepted', count(*) filter (where status = 'accepted'),
  'rejected', count(*) filter (where status = 'rejected'),
  'expired', count(*) filter (where status = 'expired'
                                or (status = 'sent' and valid_until < private.business_today())))
  from public.quotes where client_id = %s and status <> 'draft' and not archived
"""


def tab_counts(db, claims, function):
    """The counts the portal shows, called as the signed-in client (as PostgREST would)."""
    db.execute("select set_config('role', 'authenticated', true),"
               " set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
    try:
        return db.execute(f"select public.{function}()").fetchone()[0]["counts"]
    finally:
        db.execute("reset role")


def new_client(db, email):
    return db.execute("insert into public.clients (name, email, portal_access) values"
                      " ('Counted', %s, true) returning id", (email,)).fetchone()[0]


@pytest.fixture
def counted(db):
    """Two clients with a mix of invoices and quotes; returns a checker of both clients' tabs."""
    me = new_client(db, "counted@example.test")
    other = new_client(db, "other-counted@example.test")
    db.execute("""
        insert into public.invoices (client_id, number, status, issue_date, due_date, currency)
        select %s, 'CNT-' || n,
               (array['draft', 'sent', 'sent', 'sent', 'void'])[1 + n %% 5]::public.invoice_status,
               current_date - 40, current_date + (n %% 7) - 3, 'USD'
          from generate_series(1, 30) n""", (me,))
    db.execute("""
        insert into public.invoice_items (invoice_id, description, quantity, unit_price, tax_rate)
        select id, 'Work', 1, 10000, 0 from public.invoices
         where number like 'CNT-%%' and right(number, 1) in ('1', '2', '3', '4', '5', '6')""")
    db.execute("""
        insert into public.quotes (client_id, number, status, issue_date, valid_until, currency,
                                   accepted_at, accepted_by, rejected_at)
        select %s, 'QCNT-' || n, s.status, current_date - 10, current_date + (n %% 5) - 2, 'USD',
               case when s.status = 'accepted' then now() end,
               case when s.status = 'accepted' then 'Me' end,
               case when s.status = 'rejected' then now() end
          from generate_series(1, 30) n,
               lateral (select (array['draft', 'sent', 'sent', 'accepted', 'rejected', 'expired'])
                                 [1 + n %% 6]::public.quote_status as status) s""", (me,))
    claims = {"me": portal_claims(db, "counted@example.test"),
              "other": portal_claims(db, "other-counted@example.test")}
    ids = {"me": me, "other": other}

    def check():
        for who in ("me", "other"):
            assert tab_counts(db, claims[who], "portal_invoices") == db.execute(
                TRUE_INVOICE_COUNTS, (ids[who],)).fetchone()[0], who
            assert tab_counts(db, claims[who], "portal_quotes") == db.execute(
                TRUE_QUOTE_COUNTS, (ids[who],)).fetchone()[0], who

    check.ids = ids
    return check


def test_counts_match_a_full_scan_after_inserts(counted, db):
    counted()
    assert db.execute("select count(*) from private.client_document_counts where client_id = %s",
                      (counted.ids["me"],)).fetchone()[0] > 0


@pytest.mark.parametrize("change", [
    "update public.invoices set status = 'sent' where number in ('CNT-5', 'CNT-10')",
    "update public.invoices set status = 'void' where number in ('CNT-1', 'CNT-2')",
    "update public.invoices set archived = true where number like 'CNT-1%%'",
    "insert into public.payments (invoice_id, amount, currency, stripe_payment_intent_id)"
    " select id, 10000, 'USD', 'pi_cnt_' || number from public.invoices"
    " where number in ('CNT-1', 'CNT-2', 'CNT-3')",
    "insert into public.invoice_items (invoice_id, description, quantity, unit_price, tax_rate)"
    " select id, 'More', 1, 500, 0 from public.invoices where number in ('CNT-7', 'CNT-8')",
    "update public.invoices set client_id = (select id from public.clients"
    " where email = 'other-counted@example.test') where number in ('CNT-2', 'CNT-3', 'CNT-4')",
    "delete from public.invoices where number in ('CNT-2', 'CNT-3', 'CNT-9')",
    "update public.quotes set status = 'sent' where number in ('QCNT-6', 'QCNT-12')",
    "update public.quotes set status = 'expired' where number in ('QCNT-1', 'QCNT-2')",
    "update public.quotes set archived = true where number like 'QCNT-2%%'",
    "update public.quotes set client_id = (select id from public.clients"
    " where email = 'other-counted@example.test') where number in ('QCNT-1', 'QCNT-3')",
    "delete from public.quotes where number in ('QCNT-1', 'QCNT-4', 'QCNT-7')",
])
def test_counts_follow_every_change(counted, db, change):
    counted()
    db.execute(change)
    counted()


@pytest.mark.parametrize("days", [1, 3, 10])
def test_counts_follow_the_calendar_without_any_write(counted, db, days):
    """Days passing: every date moves back, which no counter's trigger sees (none fires on the
    dates). Invoices fall overdue and sent quotes expire all the same."""
    before = db.execute(TRUE_INVOICE_COUNTS, (counted.ids["me"],)).fetchone()[0]["overdue"]
    db.execute("update public.invoices set due_date = due_date - %s, issue_date = issue_date - %s"
               " where number like 'CNT-%%'", (days, days))
    db.execute("update public.quotes set valid_until = valid_until - %s, issue_date = issue_date - %s"
               " where number like 'QCNT-%%'", (days, days))
    assert db.execute(TRUE_INVOICE_COUNTS, (counted.ids["me"],)).fetchone()[0]["overdue"] > before
    counted()
