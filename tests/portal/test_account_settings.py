"""The account settings page (issue 15): the person's language, how times are shown and the
emails they may turn off, stored per person (account_preferences, keyed by the signed-in email)
and followed by every page after, and by the next sign-in."""

import psycopg
import pytest

from tests.signin import csrf_token

GRACE = "grace@example.com"


@pytest.fixture
def forget_settings(demo_app):
    """The demo database is shared by the session: Grace's settings go back to none after."""
    yield
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("delete from public.account_preferences where email = %s", (GRACE,))


def save(client, **choices):
    page = client.get("/account/settings")
    form = {"language": "", "time_zone": "", "invoice_reminders": "y", "quote_sent": "y",
            "booking_reminders": "y", "csrf_token": csrf_token(page.data), **choices}
    return client.post("/account/settings", data={k: v for k, v in form.items() if v is not None})


def saved_row(demo_app):
    with psycopg.connect(demo_app.config["DATABASE_URL"]) as conn:
        return conn.execute("select language, time_zone, invoice_reminders, quote_sent, booking_reminders"
                            " from public.account_preferences where email = %s", (GRACE,)).fetchone()


def test_the_profile_links_to_the_settings_which_show_the_defaults(signed_in, forget_settings):
    client = signed_in(GRACE)
    profile = client.get("/profile").get_data(as_text=True)
    assert 'href="/account/settings">View account settings</a>' in profile
    page = client.get("/account/settings").get_data(as_text=True)
    assert "Account settings" in page and "The browser&#39;s language" in page
    assert "The business&#39;s time zone (America/New_York)" in page
    assert page.count('checked') == 3, "every optional email is on until turned off"


def test_choosing_french_turns_the_portal_french_and_it_stays_after_signing_in_again(
        signed_in, demo_app, forget_settings):
    client = signed_in(GRACE)
    response = save(client, language="fr", quote_sent=None)
    assert response.status_code == 303
    assert saved_row(demo_app) == ("fr", None, True, False, True)
    page = client.get("/account/settings").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Vos paramètres ont été enregistrés." in page
    dashboard = client.get("/").get_data(as_text=True)
    assert "Tableau de bord" in dashboard and "Solde à régler" in dashboard
    invoice = client.get("/invoices/00000000-0000-4000-8001-000000000010").get_data(as_text=True)
    assert "Facture INV-" in invoice and "Télécharger le PDF" in invoice
    assert "\u202f" in invoice or ",00" in invoice, "amounts are written the French way"

    again = signed_in(GRACE)  # a new browser, whose language is English
    assert "Tableau de bord" in again.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_without_a_setting_the_browser_language_is_used_even_to_sign_in(signed_in, demo_app):
    assert "Se connecter à" in demo_app.test_client().get(
        "/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "Bei " in demo_app.test_client().get(
        "/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    page = signed_in("ada@example.com").get("/", headers={"Accept-Language": "es"})
    assert "Saldo pendiente" in page.get_data(as_text=True)


def test_times_follow_the_chosen_zone(signed_in, demo_app, forget_settings):
    client = signed_in(GRACE)
    assert " EST" in client.get("/activity").get_data(as_text=True)
    assert save(client, time_zone="Asia/Tokyo").status_code == 303
    assert saved_row(demo_app)[1] == "Asia/Tokyo"
    assert " JST" in client.get("/activity").get_data(as_text=True)


@pytest.mark.parametrize("choices", [{"language": "xx"}, {"time_zone": "Mars/Olympus_Mons"}])
def test_a_choice_not_offered_is_refused_and_nothing_is_saved(signed_in, demo_app, forget_settings,
                                                              choices):
    client = signed_in(GRACE)
    response = save(client, **choices)
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert saved_row(demo_app) is None


def test_the_database_refuses_a_zone_it_does_not_know(signed_in, demo_app, forget_settings):
    """The form offers Python's zones; the database checks against its own and says so."""
    from app.data import ClientIdentity, InvalidInput, get_data
    from tests.identity import signed_in as claims_of

    identity = ClientIdentity("token", claims_of(demo_app.config["DATABASE_URL"], GRACE))
    with pytest.raises(InvalidInput, match="time zones offered"):
        get_data(demo_app).call_as_client(
            identity, "save_account_preferences", p_language="fr",
            p_time_zone="Nowhere/Special", p_invoice_reminders=True, p_quote_sent=True,
            p_booking_reminders=True)
    assert saved_row(demo_app) is None
