"""The catalogs (app/translations) are complete: every string the source marks is translated in
French, German and Spanish, none fuzzy or stale, with the same placeholders, and the committed
.mo files are the .po files compiled. When this fails, run `.venv/bin/portal translations`: it
updates and compiles every catalog and lists what is left for a translator."""

import re

import pytest
from babel.messages.catalog import Catalog

from app import catalogs

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_catalog_is_complete_fresh_and_compiled():
    problems = catalogs.problems()
    listing = "\n".join(f"{language}: {issue}" for language, issues in problems.items()
                        for issue in issues)
    assert problems == {}, f"run `portal translations`, then translate:\n{listing}"


def test_a_new_string_is_reported_for_every_language(monkeypatch):
    """The check above can fail: a string added to the source and not yet translated."""
    source = catalogs.extract()

    def with_a_new_string() -> Catalog:
        source.add("A sentence nobody has translated yet.")
        return source

    monkeypatch.setattr(catalogs, "extract", with_a_new_string)
    problems = catalogs.problems()
    assert set(problems) == {"fr", "de", "es"}
    assert all("missing: 'A sentence nobody has translated yet.'" in issues
               for issues in problems.values())


def test_a_stale_or_fuzzy_string_is_reported(monkeypatch):
    source = catalogs.extract()
    removed = "Skip to content"
    source.delete(removed)
    monkeypatch.setattr(catalogs, "extract", lambda: source)
    read = catalogs.read_catalog

    def fuzzy_french(language):
        catalog = read(language)
        if language == "fr":
            catalog["Sign out"].flags.add("fuzzy")
        return catalog

    monkeypatch.setattr(catalogs, "read_catalog", fuzzy_french)
    problems = catalogs.problems()
    assert f"stale: {removed!r}" in problems["de"]
    assert "fuzzy: 'Sign out'" in problems["fr"]


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_translations_keep_every_placeholder(language):
    """A translation that drops or renames %(name)s would raise or lose the value at run time."""
    wrong = []
    for message in catalogs.read_catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [f"{ids[0]!r} -> {s!r}" for s in strings if sorted(PLACEHOLDER.findall(s)) != wanted]
    assert wrong == []


def test_an_email_can_be_previewed_in_each_language(capsys):
    """What a translator checks their work with: `portal email preview KIND --language xx`."""
    from app.cli import main

    assert main(["email", "preview", "invoice_reminder", "--language", "es"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Subject: Vencida: la factura INV-1042") and "Hola, Ada Lovelace:" in shown
