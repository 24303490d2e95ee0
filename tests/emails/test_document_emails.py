"""Invoices and quotes announce themselves (issue 13): setting one to sent emails its client,
once, a branded multipart message with the PDF attached; drafts, void and archived documents send
nothing; a quote decision reaches the client and, when it wants it, the business."""

import threading
import uuid

import psycopg

from app import outbox
from app.data import ClientIdentity, get_data
from tests.identity import signed_in
from tests.signin import csrf_token, latest_link, press_sign_in


def test_an_invoice_set_to_sent_emails_its_client_once_with_the_pdf(app, smtp, drain, make_client,
                                                                      make_invoice, database_url):
    email, client_id = make_client("Ada Sent")
    invoice_id = make_invoice(client_id)
    drain()
    assert smtp.to(email) == [], "a draft sends nothing"
    with psycopg.connect(database_url, autocommit=True) as conn:  # the dashboard: status to sent
        conn.execute("update public.invoices set status = 'sent' where id = %s", (invoice_id,))
        conn.execute("update public.invoices set status = 'sent' where id = %s", (invoice_id,))
    drain()
    drain()
    [message] = smtp.to(email)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("related", "html", "plain"))
    alternative = next(part for part in message.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "$900.00" in text and "$900.00" in html and "<script" not in html
    link = f"http://localhost/invoices/{invoice_id}"
    assert link in text and link in html
    assert body is not None and message["Message-ID"] and message["Date"]
    [pdf] = [part for part in message.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert pdf.get_filename().startswith("Invoice-INV-")


def test_the_reply_goes_to_the_business(app, smtp, drain, make_client, make_invoice, settings):
    settings(contact_email="office@business.example")
    email, client_id = make_client("Ada Reply")
    make_invoice(client_id, status="sent")
    drain()
    [message] = smtp.to(email)
    assert message["Reply-To"] == "office@business.example"
    assert "List-Unsubscribe" not in message, "an invoice is transactional"


def test_nothing_is_sent_for_void_archived_or_draft_documents(app, smtp, drain, make_client,
                                                              make_invoice, database_url):
    email, client_id = make_client("Ada Nothing")
    make_invoice(client_id)
    make_invoice(client_id, status="void")
    make_invoice(client_id, status="sent", archived=True)
    voided = make_invoice(client_id, status="sent")
    with psycopg.connect(database_url, autocommit=True) as conn:  # void before the worker ran
        conn.execute("update public.invoices set status = 'void' where id = %s", (voided,))
    drain()
    assert smtp.to(email) == []
    with psycopg.connect(database_url) as conn:
        status, error = conn.execute("select status::text, last_error from private.email_deliveries"
                                     " where kind = 'invoice_sent' and to_email = %s", (email,)).fetchone()
    assert status == "failed" and "no longer sent" in error, "kept and explained, not lost"


def test_the_invoice_link_lands_on_that_invoice_after_sign_in(app, smtp, drain, make_client,
                                                              make_invoice):
    email, client_id = make_client("Ada Link")
    invoice_id = make_invoice(client_id, status="sent")
    drain()
    [message] = smtp.to(email)
    link = f"/invoices/{invoice_id}"
    assert f"http://localhost{link}" in message.get_body(("plain",)).get_content()
    browser = app.test_client()
    login = browser.get(link)
    assert login.status_code == 302 and "/login" in login.headers["Location"]
    page = browser.get(login.headers["Location"])
    browser.post(login.headers["Location"], data={"email": email, "csrf_token": csrf_token(page.data)},
                 environ_base={"REMOTE_ADDR": "10.13.0.1"})
    app.config["SMTP_HOST"] = None  # the sign-in link through the local mailbox the helpers read
    landed = press_sign_in(browser, latest_link(app, email)[0])
    assert landed.status_code == 303 and landed.headers["Location"].endswith(link)


def make_quote(database_url, client_id) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        quote_id = conn.execute(
            "insert into public.quotes (client_id, number, status, valid_until)"
            " values (%s, %s, 'sent', current_date + 7) returning id::text",
            (client_id, f"Q-{uuid.uuid4().hex[:8]}")).fetchone()[0]
    return quote_id


def test_a_quote_sent_carries_its_pdf_and_the_links_to_decide(app, smtp, drain, make_client,
                                                              database_url):
    email, client_id = make_client("Ada Quote")
    quote_id = make_quote(database_url, client_id)
    drain()
    [message] = smtp.to(email)
    text = message.get_body(("plain",)).get_content()
    for path in ("", "/accept", "/reject"):
        assert f"http://localhost/quotes/{quote_id}{path}\r\n" in text
    [pdf] = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"


def test_a_rejection_reaches_the_client_and_the_business_once_under_two_workers(
        app, smtp, drain, make_client, database_url, settings):
    settings(notification_email="owner@business.example", notify_events=["quote_decided"])
    email, client_id = make_client("Ada Decides")
    quote_id = make_quote(database_url, client_id)
    drain()
    smtp.messages.clear()
    data = get_data(app)
    data.call_as_client(ClientIdentity("token", signed_in(database_url, email)), "reject_quote",
                        p_quote_id=quote_id, p_reason="Too expensive for us")
    start = threading.Barrier(2)

    def work():
        start.wait()
        while outbox.deliver_outbox(app, limit=1):
            pass

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    [copy] = smtp.to(email)
    [notice] = smtp.to("owner@business.example")
    assert "rejected" in copy["Subject"] and "Too expensive for us" in copy.get_body(("plain",)).get_content()
    notice_text = notice.get_body(("plain",)).get_content()
    assert "Ada Decides" in notice_text and "Too expensive for us" in notice_text


def test_the_business_hears_only_of_the_events_it_switched_on(app, smtp, drain, make_client,
                                                              database_url, settings):
    settings(notification_email="quiet@business.example", notify_events=["payment_received"])
    email, client_id = make_client("Ada Quiet")
    quote_id = make_quote(database_url, client_id)
    get_data(app).call_as_client(ClientIdentity("token", signed_in(database_url, email)),
                                 "accept_quote", p_quote_id=quote_id, p_signer_name="Ada Quiet")
    drain()
    assert len([m for m in smtp.to(email) if "accepted" in m["Subject"]]) == 1
    assert smtp.to("quiet@business.example") == []
