"""Links in templates are remembered (app/links.py): they must stay exactly what url_for builds."""

from flask import render_template_string, url_for
from markupsafe import escape

LINKS = ("{{ url_for('portal.invoice', invoice_id=id) }}"
         " {{ url_for('portal.invoices', status='unpaid', page=2) }}"
         " {{ url_for('static', filename='portal.css') }}"
         " {{ url_for('portal.invoice', invoice_id=id, _external=True) }}")
ID = "0001273c-81c4-4dbe-9364-deb696b0dab5"


def test_remembered_links_are_the_ones_url_for_builds(app):
    for _ in range(2):  # built, then remembered
        with app.test_request_context("/"):
            assert render_template_string(LINKS, id=ID) == escape(" ".join([
                url_for("portal.invoice", invoice_id=ID),
                url_for("portal.invoices", status="unpaid", page=2),
                url_for("static", filename="portal.css"),
                url_for("portal.invoice", invoice_id=ID, _external=True)]))
    assert any(key[1] == "portal.invoice" for key in app.extensions["portal_links"])  # remembered


def test_a_link_follows_the_path_the_portal_is_served_under(app):
    with app.test_request_context("/"):
        assert render_template_string(LINKS, id=ID).startswith(f"/invoices/{ID} /invoices?")
    with app.test_request_context("/", base_url="https://example.test/portal/"):
        shown = render_template_string(LINKS, id=ID).split()
    assert shown[:3] == [f"/portal/invoices/{ID}", "/portal/invoices?status=unpaid&amp;page=2",
                         "/portal/static/portal.css"]
    assert shown[3] == f"https://example.test/portal/invoices/{ID}"


def test_links_depend_on_nothing_the_memo_leaves_out(app):
    # URL defaults, subdomains or host matching would make a link depend on more than its
    # endpoint, values and script root: app/links.py must learn about them first.
    assert not app.url_default_functions
    assert not app.url_map.host_matching
    assert all(not rule.subdomain for rule in app.url_map.iter_rules())
