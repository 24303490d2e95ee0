"""Issue 12: kept pages (app/page_cache.py). A page the process rendered is served again without
reading or rendering its data while its version (private.page_version()) holds; any change to
what it shows, the person, the language or a message to show makes it rendered anew.

Renders are observed through Flask's template_rendered signal; the data comes from the demo
seed, changed and put back through SQL as an administrator would in the dashboard."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import time_machine
from flask import template_rendered
from flask_wtf.csrf import generate_csrf

from app import page_cache
from app.auth.session import get_backend, login_required
from app.data import get_data
from app.page_cache import CSRF_MARK, KeptPages
from tests.business_day import days_later
from tests.signin import csrf_token

ADA_INVOICE = "00000000-0000-4000-8001-000000000002"
ADA_QUOTE = "00000000-0000-4000-8002-000000000001"
PAGES = {"/": "portal/dashboard.html", "/invoices?status=all": "portal/invoices.html",
         f"/invoices/{ADA_INVOICE}": "portal/invoice.html", "/quotes": "portal/quotes.html",
         f"/quotes/{ADA_QUOTE}": "portal/quote.html"}
TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')


@contextmanager
def rendered(app):
    """The names of the templates rendered inside the block."""
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def page_text(response) -> str:
    assert response.status_code == 200
    return TOKEN.sub("", response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_an_unchanged_page_is_served_as_kept(signed_in, demo_app, path):
    client = signed_in()
    client.get(path)  # rendered (a first view of a document also records it: a change)
    first = page_text(client.get(path))
    with rendered(demo_app) as names:
        again = page_text(client.get(path))
    assert PAGES[path] not in names
    assert again == first


CHANGES = {
    # what changed: (the page, the table and column, the new value, which row)
    "client": ("/", "clients", "name", "Ada Kept", "email = 'ada@example.com'"),
    "invoice line": (f"/invoices/{ADA_INVOICE}", "invoice_items", "description", "A line changed",
                     f"id = (select min(id::text)::uuid from public.invoice_items"
                     f" where invoice_id = '{ADA_INVOICE}')"),
    "quote line": (f"/quotes/{ADA_QUOTE}", "quote_items", "description", "A quote line changed",
                   f"id = (select min(id::text)::uuid from public.quote_items"
                   f" where quote_id = '{ADA_QUOTE}')"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_a_page_shows_is_shown_at_once(signed_in, demo_app, change):
    path, table, column, value, row = CHANGES[change]
    client = signed_in()
    client.get(path)
    client.get(path)  # kept now
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        before = conn.execute(f"select {column} from public.{table} where {row}").fetchone()[0]
        conn.execute(f"update public.{table} set {column} = %s where {row}", (value,))
        try:
            with rendered(demo_app) as names:
                assert value in client.get(path).get_data(as_text=True)
            assert PAGES[path] in names
        finally:
            conn.execute(f"update public.{table} set {column} = %s where {row}", (before,))
    assert value not in client.get(path).get_data(as_text=True)


def test_a_page_kept_before_the_day_turned_is_rendered_anew(signed_in, demo_app):
    """The calendar alone turns invoices overdue: a page kept yesterday is not served today."""
    client = signed_in()
    path = "/invoices?status=overdue"
    client.get(path)
    before = page_text(client.get(path))  # kept now
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn, \
            days_later(conn, 400), rendered(demo_app) as names:
        after = page_text(client.get(path))
    assert "portal/invoices.html" in names and after != before
    assert after.count("Overdue") > before.count("Overdue")


def test_another_clients_change_leaves_the_page_kept(signed_in, demo_app):
    client = signed_in()
    client.get("/")
    client.get("/")
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        changed = conn.execute("update public.invoices set notes = notes where client_id ="
                               " (select id from public.clients where email = 'grace@example.com')")
        assert changed.rowcount > 0
    with rendered(demo_app) as names:
        client.get("/")
    assert names == []


def test_each_person_gets_their_own_page(signed_in, demo_app):
    ada, grace = signed_in(), signed_in("grace@example.com")
    assert "Welcome, Ada" in ada.get("/").get_data(as_text=True)
    ada.get("/")
    grace_page = grace.get("/").get_data(as_text=True)
    assert "Welcome, Grace" in grace_page and "Welcome, Ada" not in grace_page
    assert "Welcome, Ada" in ada.get("/").get_data(as_text=True)


def test_a_kept_page_carries_the_readers_own_csrf_token(signed_in, demo_app):
    first, second = signed_in(), signed_in()
    first.get("/")
    first.get("/")
    with rendered(demo_app) as names:
        page = second.get("/").get_data(as_text=True)
        page = second.get("/").get_data(as_text=True)
    assert names.count("portal/dashboard.html") <= 1  # the second session's page came kept
    assert CSRF_MARK not in page
    signed_out = second.post("/logout", data={"csrf_token": csrf_token(page)})
    assert signed_out.status_code in (302, 303) and "/login" in signed_out.headers["Location"]
    assert first.get("/").status_code == 200  # the other session is untouched


def test_a_sessions_token_is_signed_again_after_a_minute_and_each_one_is_accepted(signed_in):
    """The signed token a kept page carries is reused for a minute (signing costs more than
    serving the page), then signed anew; the one served a minute ago still signs out."""
    client, other = signed_in(), signed_in()
    client.get("/")
    first = csrf_token(client.get("/").get_data(as_text=True))
    assert csrf_token(client.get("/").get_data(as_text=True)) == first
    assert csrf_token(other.get("/").get_data(as_text=True)) != first  # every session its own
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61), tick=False):
        later = csrf_token(client.get("/").get_data(as_text=True))
        assert later != first
        signed_out = client.post("/logout", data={"csrf_token": first})
    assert signed_out.status_code in (302, 303) and "/login" in signed_out.headers["Location"]


def test_a_message_is_shown_once_and_never_kept(signed_in, demo_app):
    client = signed_in()
    client.get("/")
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this page only")]
    assert "A message for this page only" in client.get("/").get_data(as_text=True)
    assert "A message for this page only" not in client.get("/").get_data(as_text=True)


def test_each_language_is_its_own_page(signed_in, demo_app):
    client = signed_in()
    assert "Recent invoices" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/", headers={"Accept-Language": "en"})
    french = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Factures récentes" in french and "Recent invoices" not in french


def test_nothing_is_kept_when_the_size_is_zero(signed_in, demo_app):
    demo_app.extensions.pop("portal_kept_pages")
    client = signed_in()
    with rendered(demo_app) as names:
        client.get("/")
        client.get("/")
    assert names.count("portal/dashboard.html") == 2


def test_the_least_recently_used_page_goes_first():
    pages = KeptPages(2)
    pages.put(("a",), "1", "A")
    pages.put(("b",), "1", "B")
    assert pages.get(("a",)) == ("1", "A")  # now the most recently used
    pages.put(("c",), "1", "C")
    assert pages.get(("b",)) is None
    assert pages.get(("a",)) == ("1", "A") and pages.get(("c",)) == ("1", "C")


def test_a_page_holding_a_forms_own_csrf_token_is_not_kept(signed_in, demo_app):
    renders = []

    def render(dashboard):
        renders.append(dashboard)
        return f'<form><input name="csrf_token" value="{generate_csrf()}"></form>'

    demo_app.add_url_rule("/test-form-page", "test_form_page",
                          login_required(lambda: page_cache.page(render, ("portal_dashboard", {}))))
    client = signed_in()
    tokens = {csrf_token(client.get("/test-form-page").get_data(as_text=True)) for _ in range(2)}
    assert len(renders) == 2 and len(tokens) == 1


def test_the_page_call_sends_the_data_only_when_the_version_moved(signed_in, demo_app):
    client = signed_in()
    with client.session_transaction() as session:
        identity = get_backend(demo_app).claimed(session["auth"]).identity
    data, now = get_data(demo_app), datetime.now(UTC)

    def page_call(kept_version):
        state, [result] = data.call_checking_session(
            identity, 1800, now, [("portal_dashboard", {})], page_call=True, kept_version=kept_version)
        assert state["status"] == "active"
        return result

    version, page = page_call(None)
    assert version.startswith(page["client"]["id"] + "/") and page["client"]["email"] == "ada@example.com"
    assert page_call(version) == (version, None)
    assert page_call(version.replace("/", "/9", 1)) == (version, page)


def test_a_kept_pages_other_calls_run_only_when_its_version_moved(signed_in, demo_app):
    """Recording a first view goes with reading a document's page: a kept page is served without
    it, and a view record an administrator deletes (a change the version follows) is made again
    at the next view."""
    client = signed_in()
    with client.session_transaction() as session:
        identity = get_backend(demo_app).claimed(session["auth"]).identity
    data, now = get_data(demo_app), datetime.now(UTC)
    calls = [("portal_quote", {"p_quote_id": ADA_QUOTE}),
             ("record_document_view", {"p_document_type": "quote", "p_document_id": ADA_QUOTE})]

    def page_call(kept_version):
        return data.call_checking_session(identity, 1800, now, calls, page_call=True,
                                          kept_version=kept_version)[1]

    def views(delete=False):
        with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
            if delete:
                conn.execute("delete from public.activity where subject_id = %s"
                             " and kind = 'quote_viewed'", (ADA_QUOTE,))
            return conn.execute("select count(*) from public.activity where subject_id = %s"
                                " and kind = 'quote_viewed'", (ADA_QUOTE,)).fetchone()[0]

    views(delete=True)
    [first, _], recorded = page_call(None)
    assert recorded is True and views() == 1  # the first view, recorded: a new version
    [version, page], recorded = page_call(first)
    assert version != first and page is not None and recorded is False
    assert page_call(version) == [(version, None), None]  # kept: neither read nor called
    client.get(f"/quotes/{ADA_QUOTE}")
    with rendered(demo_app) as names:
        client.get(f"/quotes/{ADA_QUOTE}")
    assert "portal/quote.html" not in names  # the page is kept now
    assert views(delete=True) == 0  # an administrator deletes the record
    client.get(f"/quotes/{ADA_QUOTE}")
    assert views() == 1
