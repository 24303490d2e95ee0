"""The portal's pages against the demo data, through the real sign-in, as a client sees them."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import time_machine

from tests.signin import csrf_token

ADA_INVOICE = "00000000-0000-4000-8001-000000000002"   # partly paid, USD
GRACE_INVOICE = "00000000-0000-4000-8001-000000000010"
ADA_DRAFT = "00000000-0000-4000-8001-000000000005"


def numbers(html: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix}-\d{{4}})</a>", html)


@pytest.mark.parametrize("status,expected", [
    ("all", ["INV-0004", "INV-0002", "INV-0003", "INV-0001", "INV-0006"]),
    ("paid", ["INV-0001"]),
    ("unpaid", ["INV-0004", "INV-0002", "INV-0003"]),
    ("overdue", ["INV-0003"]),
])
def test_each_invoice_filter_lists_the_right_invoices(signed_in, status, expected):
    page = signed_in().get(f"/invoices?status={status}").get_data(as_text=True)
    assert numbers(page, "INV") == expected
    assert "All <span class=\"count\">(5)</span>" in page
    assert "Overdue <span class=\"count\">(1)</span>" in page


@pytest.mark.parametrize("status,expected", [
    ("all", ["Q-0001", "Q-0003", "Q-0004", "Q-0002"]),
    ("pending", ["Q-0001"]),
    ("accepted", ["Q-0002"]),
    ("rejected", ["Q-0003"]),
    ("expired", ["Q-0004"]),
])
def test_each_quote_filter_lists_the_right_quotes(signed_in, status, expected):
    page = signed_in().get(f"/quotes?status={status}").get_data(as_text=True)
    assert numbers(page, "Q") == expected


def test_the_quote_tabs_add_up_to_all(signed_in):
    page = signed_in().get("/quotes").get_data(as_text=True)
    counts = dict(re.findall(r'status=(\w+)"[^>]*>\w+ <span class="count">\((\d+)\)</span>', page))
    assert set(counts) == {"all", "pending", "accepted", "rejected", "expired"}
    assert int(counts["all"]) == 4
    assert sum(int(n) for status, n in counts.items() if status != "all") == int(counts["all"])


def test_the_dashboard_shows_balances_per_currency_and_recent_things(signed_in):
    page = signed_in().get("/").get_data(as_text=True)
    assert "€540.00" in page and "$4,322.00" in page
    assert "$900.00 overdue" in page
    assert "INV-0004" in page and "Q-0001" in page
    assert "Payment received for invoice INV-0002" in page


def test_an_invoice_page_has_items_totals_and_history(signed_in):
    page = signed_in().get(f"/invoices/{ADA_INVOICE}").get_data(as_text=True)
    for text in ("Invoice INV-0002", "Partly paid", "Website design", "Content migration (hours)",
                 "$4,020.00", "$402.00", "$4,422.00", "$1,000.00", "$3,422.00", "Payment history"):
        assert text in page, text


# The sign-out form's CSRF token is signed with the time: two pages a second apart differ there.
CSRF_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+"')


def without_csrf_token(response) -> str:
    page = response.get_data(as_text=True)
    assert CSRF_TOKEN.search(page), "the page has its sign-out form"
    return CSRF_TOKEN.sub(r'\1(token)"', page)


def test_another_clients_invoice_and_a_missing_one_are_the_same_404(signed_in):
    client = signed_in()
    other = client.get(f"/invoices/{GRACE_INVOICE}")
    # A second later (as happens now and then): a new token, and still nothing else differs.
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=2), tick=False):
        missing = client.get(f"/invoices/{uuid.uuid4()}")
    draft = client.get(f"/invoices/{ADA_DRAFT}")
    assert other.status_code == missing.status_code == draft.status_code == 404
    assert without_csrf_token(other) == without_csrf_token(missing) == without_csrf_token(draft)


def test_bad_filters_and_pages_are_not_found(signed_in):
    client = signed_in()
    assert client.get("/invoices?status=everything").status_code == 404
    assert client.get("/quotes?page=-1").status_code == 404


@pytest.fixture
def fresh_quote(demo_database_url):
    quote_id, number = uuid.uuid4(), f"Q-T{uuid.uuid4().hex[:6]}"
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("insert into public.quotes (id, client_id, number, status, valid_until, currency)"
                     " values (%s, '00000000-0000-4000-8000-00000000000a', %s, 'sent',"
                     " current_date + 10, 'USD')",
                     (quote_id, number))
        conn.execute("insert into public.quote_items (quote_id, description, unit_price)"
                     " values (%s, 'Test work', 12345)", (quote_id,))
    yield str(quote_id), number
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("delete from public.activity where subject_id = %s", (quote_id,))
        conn.execute("delete from public.quotes where id = %s", (quote_id,))


def test_accepting_a_quote_takes_a_name_and_a_confirmation(signed_in, fresh_quote):
    quote_id, number = fresh_quote
    client = signed_in()
    page = client.get(f"/quotes/{quote_id}")
    assert "Accept" in page.get_data(as_text=True)
    form = client.get(f"/quotes/{quote_id}/accept")
    empty = client.post(f"/quotes/{quote_id}/accept",
                        data={"signer_name": " ", "csrf_token": csrf_token(form.data)})
    assert empty.status_code == 400 and "Type your name" in empty.get_data(as_text=True)
    done = client.post(f"/quotes/{quote_id}/accept",
                       data={"signer_name": "Ada Lovelace", "csrf_token": csrf_token(form.data)})
    assert done.status_code == 303
    after = client.get(f"/quotes/{quote_id}").get_data(as_text=True)
    assert f"Quote {number} was accepted" in after
    assert "by Ada Lovelace on" in after
    assert 'href="/quotes/' + quote_id + '/accept"' not in after
    again = client.post(f"/quotes/{quote_id}/reject", data={"csrf_token": csrf_token(form.data)})
    assert again.status_code == 303
    assert "can no longer be changed" in client.get(f"/quotes/{quote_id}").get_data(as_text=True)


def test_rejecting_a_quote_records_the_reason(signed_in, fresh_quote):
    quote_id, number = fresh_quote
    client = signed_in()
    form = client.get(f"/quotes/{quote_id}/reject")
    client.post(f"/quotes/{quote_id}/reject", data={"reason": "Too expensive for now",
                                                    "csrf_token": csrf_token(form.data)})
    page = client.get(f"/quotes/{quote_id}").get_data(as_text=True)
    assert "Rejected" in page and "Too expensive for now" in page


def test_first_views_are_recorded_once(signed_in, fresh_quote, demo_database_url):
    quote_id, _ = fresh_quote
    client = signed_in()
    for _ in range(3):
        client.get(f"/quotes/{quote_id}")
    with psycopg.connect(demo_database_url) as conn:
        views = conn.execute("select count(*) from public.activity"
                             " where subject_id = %s and kind = 'quote_viewed'", (quote_id,)).fetchone()[0]
    assert views == 1


@pytest.fixture
def restore_grace(demo_database_url):
    yield
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("update public.clients set phone = '+1 555 010 1002', address_line1 = '2 Compiler Court'"
                     " where email = 'grace@example.com'")


def test_profile_updates_phone_and_address_but_never_the_email(signed_in, restore_grace):
    client = signed_in("grace@example.com")
    page = client.get("/profile")
    text = page.get_data(as_text=True)
    assert "grace@example.com" in text and "To change your email, contact Northwind Studio" in text
    form = {"phone": "+1 202 555 0147", "address_line1": "1 New Street", "address_line2": "",
            "city": "Arlington", "region": "VA", "postal_code": "22201", "country": "United States",
            "email": "evil@example.com", "csrf_token": csrf_token(page.data)}
    assert client.post("/profile", data=form).status_code == 303
    saved = client.get("/profile").get_data(as_text=True)
    assert "Your contact details were saved." in saved
    assert "+1 202 555 0147" in saved and "1 New Street" in saved and "evil@example.com" not in saved


def test_bad_contact_details_say_what_is_wrong_and_save_nothing(signed_in, restore_grace):
    client = signed_in("grace@example.com")
    page = client.get("/profile")
    form = {"phone": "call me", "address_line1": "<b>bold</b>", "address_line2": "", "city": "x" * 101,
            "region": "", "postal_code": "", "country": "", "csrf_token": csrf_token(page.data)}
    response = client.post("/profile", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use digits, spaces, + ( ) . - only" in text
    assert "no &lt; or &gt;" in text
    assert "+1 555 010 1002" in client.get("/profile").get_data(as_text=True)


def test_activity_is_paged(signed_in):
    page = signed_in().get("/activity").get_data(as_text=True)
    assert "Account activity" in page and "Invoice INV-0001 was sent" in page


def test_booking_links_are_listed(signed_in):
    page = signed_in().get("/bookings").get_data(as_text=True)
    assert "Introductory call" in page and "https://cal.com/northwind/site-visit" in page
