"""The layout every page shares: a favicon that resolves (no 404 in any log), and the main
navigation with everything a client comes back for."""

import re

import pytest


def test_favicon_ico_is_served_for_browsers_that_ask_without_a_link(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert response.data[:4] == b"\x00\x00\x01\x00", "an ICO file"


@pytest.mark.parametrize("path", ["/login", "/no-such-page"])
def test_every_page_links_an_icon_that_resolves(client, path):
    page = client.get(path).get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon, "the page links its icon"
    with client.get(icon.group(1)) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_your_appointments_is_in_the_main_navigation(signed_in):
    page = signed_in().get("/").get_data(as_text=True)
    nav = page[page.index('<nav aria-label="Main">'):page.index("</nav>")]
    assert '<a href="/appointments">Your appointments</a>' in nav
