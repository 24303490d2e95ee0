"""Changing the language in a real browser (issue 15), at 1280 and 375 px, with axe: from the
profile to the account settings, French chosen and saved, and the portal then in French."""

import psycopg
import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_portal_in_browser import (
    serious_violations,
    sideways_overflow,
    sign_in_through_the_mailbox,
)

GRACE = "grace@example.com"


@pytest.fixture
def french_page(page, demo_server, demo_database_url):
    """Grace's browser; her settings are removed after, as the demo database is shared."""
    page.context.demo_database_url = demo_database_url
    yield page
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("delete from public.account_preferences where email = %s", (GRACE,))


@pytest.mark.browser
def test_choosing_french_shows_the_portal_in_french(french_page, demo_server, viewport):
    page, base = french_page, demo_server["url"]
    sign_in_through_the_mailbox(page, base, GRACE)
    page.goto(base + "/profile")
    page.get_by_role("link", name="View account settings").click()
    page.get_by_role("heading", name="Account settings").wait_for()
    assert serious_violations(page) == [], "settings"
    assert sideways_overflow(page) <= 0, "settings scrolls sideways"
    page.get_by_role("combobox", name="Language").select_option("fr")
    page.get_by_role("checkbox", name="Appointment reminders").uncheck()
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Vos paramètres ont été enregistrés.").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("combobox", name="Langue").input_value() == "fr"
    assert not page.get_by_role("checkbox", name="Rappels de rendez-vous").is_checked()
    screenshot(page, "settings-fr", viewport)
    for path, heading in (("/", "Solde à régler"), ("/invoices", "Factures"), ("/profile", "Coordonnées")):
        page.goto(base + path)
        page.get_by_text(heading).first.wait_for()
        assert serious_violations(page) == [], path
        assert sideways_overflow(page) <= 0, f"{path} scrolls sideways"
    page.get_by_role("link", name="Tableau de bord").first.wait_for()
    screenshot(page, "dashboard-fr", viewport)
