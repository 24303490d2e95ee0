"""Every email template (issue 13), as the one renderer writes its HTML part with demo data,
shown in a real browser at 375 px and 1280 px, light and dark: no sideways scrolling, no serious
axe-core finding (colour contrast included), screenshots kept in tests/artifacts/."""

import pytest

from app.email_demo import BUSINESS, CONTEXTS
from app.emails import render_email
from tests.browser.conftest import screenshot
from tests.browser.test_portal_in_browser import serious_violations, sideways_overflow


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_every_email_reads_well_on_a_phone_and_a_desktop(app, page, viewport, kind):
    email = render_email(app, kind, CONTEXTS[kind], BUSINESS, attach=False)
    assert "<script" not in email.html.lower()
    # Dark mode changes colours, not widths: checked once, at desktop width.
    for scheme in ("light", "dark") if viewport == "desktop" else ("light",):
        page.emulate_media(color_scheme=scheme)
        page.set_content(email.html)
        assert page.title() == email.subject
        assert sideways_overflow(page) <= 0, (kind, scheme)
        assert serious_violations(page) == [], (kind, scheme)
        screenshot(page, f"email-{kind}-{scheme}", viewport)
