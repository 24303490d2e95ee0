"""What the business hears about besides quotes and payments (issue 13): a client's own change
of contact details (not an administrator's), and a delivery that failed for good."""

import psycopg

from app.data import ClientIdentity, get_data
from tests.identity import signed_in


def change_contact(app, database_url, email, phone):
    get_data(app).call_as_client(
        ClientIdentity("token", signed_in(database_url, email)), "update_contact", p_phone=phone,
        p_address_line1="1 New Road", p_address_line2="", p_city="Salem", p_region="",
        p_postal_code="", p_country="")


def test_a_client_changing_its_contact_details_is_told_to_the_business(app, smtp, drain, settings,
                                                                       make_client, database_url):
    settings(notification_email="crm@business.example", notify_events=["contact_changed"])
    email, client_id = make_client("Ada Moves")
    with psycopg.connect(database_url, autocommit=True) as conn:  # an administrator's edit: no notice
        conn.execute("update public.clients set phone = '+1 555 0000' where id = %s", (client_id,))
    change_contact(app, database_url, email, "+1 555 0199")
    drain()
    [notice] = smtp.to("crm@business.example")
    text = notice.get_body(("plain",)).get_content()
    assert "Ada Moves" in text and "Phone number: +1 555 0000 -> +1 555 0199" in text
    assert "City: (empty) -> Salem" in text


def test_a_permanent_bounce_flags_the_client_and_tells_the_business(app, smtp, drain, settings,
                                                                    make_client, make_invoice,
                                                                    database_url):
    settings(notification_email="ops@business.example", notify_events=["delivery_failed"])
    email, client_id = make_client("Ada Gone")
    smtp.unknown.add(email)
    make_invoice(client_id, status="sent")
    drain()
    assert smtp.to(email) == []
    with psycopg.connect(database_url) as conn:
        bounced, reason = conn.execute("select email_bounced_at is not null, email_bounce_reason"
                                       " from public.clients where id = %s", (client_id,)).fetchone()
        status, attempts, error = conn.execute(
            "select status::text, attempts, last_error from private.email_deliveries"
            " where to_email = %s", (email,)).fetchone()
    assert bounced and "5.1.1" in reason
    assert (status, attempts) == ("failed", 1) and "does not exist" in error, "parked, not retried, kept"
    [notice] = smtp.to("ops@business.example")
    assert email in notice["Subject"] and "flagged on the client" in notice.get_body(("plain",)).get_content()


def test_a_refused_relay_is_retried_not_flagged(app, smtp, drain, make_client, make_invoice, database_url):
    email, client_id = make_client("Ada Later")
    make_invoice(client_id, status="sent")
    app.config["SMTP_PORT"] = 1  # the mail server is down: a temporary failure
    drain()
    with psycopg.connect(database_url) as conn:
        status, bounced = conn.execute(
            "select d.status::text, c.email_bounced_at is not null from private.email_deliveries d"
            " join public.clients c on c.id = d.client_id where d.to_email = %s", (email,)).fetchone()
    assert (status, bounced) == ("pending", False)
