"""app/errors.py: every error answers in the portal's layout, or as JSON when the client asks for
JSON first, with the status and the message for it."""

import pytest
from flask import abort

from app.data import NotFound, Unavailable
from app.errors import MESSAGES


def raise_for(status):
    """What a view does to end with each status."""
    if status == 500:
        raise RuntimeError("a bug")
    if status == 503:
        raise Unavailable("The database is unavailable.", "unavailable")
    if status == 404:
        raise NotFound("No such document.", "not_found")
    abort(status)


@pytest.fixture
def failing_client(app):
    app.add_url_rule("/wt-arch-fail/<int:status>", "wt_arch_fail", raise_for)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # TESTING would re-raise the 500's bug
    return app.test_client()


STATUSES = [400, 403, 404, 405, 429, 500, 503]


def test_every_status_has_its_message():
    assert sorted(MESSAGES) == STATUSES


@pytest.mark.parametrize("status", STATUSES)
def test_a_browser_gets_the_page_in_the_layout(failing_client, status):
    response = failing_client.get(f"/wt-arch-fail/{status}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert MESSAGES[status].replace("'", "&#39;") in page and "</html>" in page


@pytest.mark.parametrize("status", STATUSES)
def test_a_client_asking_for_json_gets_json(failing_client, status):
    response = failing_client.get(f"/wt-arch-fail/{status}", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.get_json() == {"error": MESSAGES[status], "status": status}


def test_json_only_when_preferred(failing_client):
    html_first = failing_client.get("/wt-arch-fail/404",
                                    headers={"Accept": "text/html, application/json;q=0.5"})
    assert html_first.mimetype == "text/html"
    json_first = failing_client.get("/wt-arch-fail/404",
                                    headers={"Accept": "application/json, text/html;q=0.5"})
    assert json_first.get_json()["status"] == 404


def test_a_status_without_a_message_of_its_own_gets_the_general_one(failing_client):
    response = failing_client.get("/wt-arch-fail/418", headers={"Accept": "application/json"})
    assert response.status_code == 418 and response.get_json()["error"] == MESSAGES[500]


def test_an_unknown_path_and_a_wrong_method(client):
    assert client.get("/no-such-page").status_code == 404
    wrong = client.post("/health", headers={"Accept": "application/json"})
    assert (wrong.status_code, wrong.get_json()["error"]) == (405, MESSAGES[405])


def test_an_expired_form_says_so(client):
    response = client.post("/login", data={"email": "a@b.test"})  # no CSRF token
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
