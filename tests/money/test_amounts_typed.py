"""Amounts typed on the pay page are read in the person's language, and an ambiguous one is
refused with the page's message rather than guessed (a French "150,50" was once 15050)."""

import pytest

from app.data import InvalidInput
from app.money.pay import minor_units


@pytest.mark.parametrize(("language", "typed", "cents"), [
    ("fr", "150,50", 15050),
    ("fr", "1 500,25", 150025),
    ("de", "1.500,25", 150025),
    ("es", "150,5", 15050),
    ("en", "1,500.25", 150025),
    ("en", "150.50", 15050),
    ("fr", "150.50", 15050),  # as the form prefills it
    ("de", "150", 15000),
])
def test_an_amount_is_read_in_the_persons_language(app, language, typed, cents):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert minor_units(typed, "EUR") == cents


@pytest.mark.parametrize(("language", "typed"), [("en", "150,50"), ("fr", "1,2,3"), ("de", "abc"),
                                                  ("en", "150.505")])
def test_an_ambiguous_or_malformed_amount_is_refused(app, language, typed):
    with app.test_request_context("/", headers={"Accept-Language": language}), \
            pytest.raises(InvalidInput):
        minor_units(typed, "EUR")
