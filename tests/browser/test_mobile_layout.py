"""The portal at 375 px in a real browser: an invoice paid through Stripe does not scroll
sideways (it shows a receipt number, not the pi_ id), invoice and quote numbers never break
inside, totals keep label and value on one line, and the header with the navigation stays
short. Screenshots are kept in tests/artifacts/."""

import psycopg
import pytest

from tests.browser.conftest import MOBILE, screenshot
from tests.browser.test_portal_in_browser import sideways_overflow, sign_in_through_the_mailbox

ADA = "00000000-0000-4000-8000-00000000000a"
STRIPE_PAID = "00000000-0000-4000-8001-000000009375"
# A PaymentIntent id as Stripe writes them (27 characters, no place to break).
INTENT = "pi_3MtwBwLkdIwHu7ix28a3tqPa"
HEADER_MAX_PX = 100


@pytest.fixture
def stripe_paid_invoice(demo_database_url):
    """An invoice of Ada's paid in full through Stripe, removed afterwards."""
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("insert into public.invoices (id, client_id, number, status, currency)"
                     " values (%s, %s, 'INV-9375', 'sent', 'USD')", (STRIPE_PAID, ADA))
        conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                     " values (%s, 'Mobile layout review', 123456)", (STRIPE_PAID,))
        conn.execute("insert into public.payments (invoice_id, amount, currency, method,"
                     " stripe_payment_intent_id) values (%s, 123456, 'USD', 'card', %s)",
                     (STRIPE_PAID, INTENT))
    yield STRIPE_PAID
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("delete from public.activity where subject_id = %s", (STRIPE_PAID,))
        conn.execute("delete from public.payments where invoice_id = %s", (STRIPE_PAID,))
        conn.execute("delete from public.invoices where id = %s", (STRIPE_PAID,))


@pytest.fixture
def phone(browser, demo_server, demo_database_url):
    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.context.demo_database_url = demo_database_url
    sign_in_through_the_mailbox(page, demo_server["url"])
    yield page
    context.close()


WRAPPED = "els => els.filter(e => e.getClientRects().length > 1).map(e => e.textContent.trim())"
SPLIT_TOTALS = """els => els.filter(dt => {
    const dd = dt.nextElementSibling;
    return Math.abs(dt.getBoundingClientRect().top - dd.getBoundingClientRect().top) > 2;
  }).map(dt => dt.textContent.trim())"""


@pytest.mark.browser
def test_an_invoice_paid_through_stripe_fits_a_phone(phone, demo_server, stripe_paid_invoice):
    phone.goto(f"{demo_server['url']}/invoices/{stripe_paid_invoice}")
    # Clients read a receipt number; the long pi_ id stays with the business (issue 11, item 18).
    phone.locator("td[data-label=Reference]").first.wait_for()
    assert INTENT not in phone.content()
    screenshot(phone, "invoice-paid-by-stripe", "mobile")
    assert sideways_overflow(phone) <= 0, "the page scrolls sideways"
    assert phone.locator(".totals dt").evaluate_all(SPLIT_TOTALS) == [], "a total's label and value split"


@pytest.mark.browser
def test_the_header_and_navigation_stay_short_on_a_phone(phone, demo_server):
    phone.goto(f"{demo_server['url']}/")
    height = phone.locator(".site-header").bounding_box()["height"]
    screenshot(phone, "header", "mobile")
    assert height <= HEADER_MAX_PX, f"the header takes {height:.0f} px"
    # Every destination stays reachable: the links are there and can be scrolled to and used.
    links = phone.locator("nav[aria-label=Main] a")
    assert links.count() >= 7
    links.last.scroll_into_view_if_needed()
    assert links.last.is_visible()
    assert sideways_overflow(phone) <= 0


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 700, 1280])
def test_document_numbers_never_break_inside(phone, demo_server, stripe_paid_invoice, width):
    phone.set_viewport_size({"width": width, "height": 900})
    for path in ("/", "/invoices", "/quotes"):
        phone.goto(demo_server["url"] + path)
        numbers = phone.locator("td a[href*='/invoices/'], td a[href*='/quotes/']")
        assert numbers.count() > 0
        assert numbers.evaluate_all(WRAPPED) == [], f"{path} at {width} px"
        assert sideways_overflow(phone) <= 0, f"{path} at {width} px scrolls sideways"
        screenshot(phone, "numbers" + path.replace("/", "-"), f"{width}px")
