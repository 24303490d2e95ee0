"""Keeping the translation catalogs in step with the source: `portal translations`.

One command extracts every marked string (babel.cfg: Python, HTML and text templates), merges
them into app/translations/<lang>/LC_MESSAGES/messages.po (new strings arrive untranslated,
strings no longer in the source are dropped) and compiles messages.mo, which is committed so a
clean clone and an installed package need no build step. It then lists what still needs a
translator; tests/test_translations.py fails while anything is listed.
"""

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every translatable string of the source, as a template catalog (what a .pot holds)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="client-portal", msgid_bugs_address=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                     "lazy_gettext": None, "_l": None,
                                                     "lazy_ngettext": (1, 2)}):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def translated_languages() -> list[str]:
    return [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def compiled(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update() -> None:
    """Merges the source's strings into every catalog and compiles it."""
    template = extract()
    for language in translated_languages():
        path = po_path(language)
        if path.exists():
            catalog = read_catalog(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, project="client-portal")
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=100, ignore_obsolete=True, sort_output=False)
        path.with_suffix(".mo").write_bytes(compiled(read_catalog(language)))


def problems() -> dict[str, list[str]]:
    """For each language, what is not ready: strings missing from its catalog or untranslated,
    fuzzy, stale (no longer in the source) and a compiled catalog out of date."""
    wanted = {message.id for message in extract() if message.id}
    found = {}
    for language in translated_languages():
        catalog, issues = read_catalog(language), []
        present = {message.id for message in catalog if message.id}
        issues += [f"missing: {key!r}" for key in sorted(wanted - present, key=str)]
        issues += [f"stale: {key!r}" for key in sorted(present - wanted, key=str)]
        for message in catalog:
            if not message.id or message.id not in wanted:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                issues.append(f"untranslated: {message.id!r}")
            elif message.fuzzy:
                issues.append(f"fuzzy: {message.id!r}")
        if compiled_messages(language) != as_dict(catalog):
            issues.append("messages.mo is out of date: run `portal translations`")
        if issues:
            found[language] = issues
    return found


def compiled_messages(language: str) -> dict | None:
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists():
        return None
    with mo.open("rb") as file:
        return as_dict(read_mo(file))


def as_dict(catalog: Catalog) -> dict:
    """What a catalog translates, plural forms included, comparable between .po and .mo."""
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(message.id): key(message.string) for message in catalog
            if message.id and not message.fuzzy}
