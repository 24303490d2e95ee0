"""The PDF cache: keys that follow the data, atomic writes, a bounded size."""

import os
import shutil

import pytest

from app.pdf import views
from app.pdf.cache import PdfCache, cache_key

DATA = {"kind": "invoice", "document": {"number": "INV-1", "items": [{"description": "Work"}]},
        "business": {"name": "Northwind", "updated_at": "2026-01-01T00:00:00+00:00"}}


def test_a_pdf_is_read_back_as_written_and_no_temporary_file_is_left(tmp_path):
    cache = PdfCache(tmp_path / "cache")
    assert cache.get("a" * 64) is None
    cache.put("a" * 64, b"%PDF-1.4 one")
    assert cache.get("a" * 64) == b"%PDF-1.4 one"
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["a" * 64 + ".pdf"]


def test_beyond_its_size_the_least_recently_used_pdfs_go(tmp_path):
    cache = PdfCache(tmp_path, max_files=3)
    for age, key in enumerate(["old", "older", "oldest"]):
        cache.put(key, b"%PDF")
        os.utime(cache.path(key), (1_000_000 - age, 1_000_000 - age))
    cache.get("oldest")  # used just now: it stays
    cache.put("new", b"%PDF")
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == ["new", "old", "oldest"]


def test_the_key_follows_the_data_and_nothing_else():
    key = cache_key("v1", DATA, None)
    assert key == cache_key("v1", dict(reversed(DATA.items())), None)
    assert len(key) == 64 and int(key, 16) >= 0


EDITED_ITEM = {**DATA, "document": {**DATA["document"], "items": [{"description": "Work!"}]}}
EDITED_SETTINGS = {**DATA, "business": {**DATA["business"], "updated_at": "2026-01-02"}}


@pytest.mark.parametrize("version,data,logo", [
    ("v2", DATA, None), ("v1", EDITED_ITEM, None), ("v1", EDITED_SETTINGS, None),
    ("v1", DATA, "0" * 64),
])
def test_any_change_to_what_is_rendered_changes_the_key(version, data, logo):
    assert cache_key(version, data, logo) != cache_key("v1", DATA, None)


def test_the_template_version_follows_the_templates(tmp_path, monkeypatch):
    copies = tmp_path / "pdf"
    shutil.copytree(views.TEMPLATES, copies)
    monkeypatch.setattr(views, "TEMPLATES", copies)
    views.template_version.cache_clear()
    before = views.template_version()
    assert views.template_version() == before
    with (copies / "invoice.html").open("a") as template:
        template.write("\n")
    views.template_version.cache_clear()  # a new process, as after a deployment
    assert views.template_version() != before
    views.template_version.cache_clear()


STAMP = {"kind": "invoice", "id": "00000000-0000-4000-8001-000000000002", "number": "INV-0002",
         "state": "unpaid", "version": 3}
PROFILE = {"name": "Northwind", "updated_at": "2026-01-01T00:00:00+00:00"}


def test_a_documents_key_is_made_of_its_stamp_and_the_versions_around_it(demo_app, monkeypatch):
    """stamp_key, the one key of the download, the worker and the emails: each part changes it,
    and the rest of the stamp (the number) or of the profile (already versioned) does not."""
    from flask_babel import force_locale

    with demo_app.test_request_context():
        key = views.stamp_key("invoice", STAMP, PROFILE, None)
        assert key == views.stamp_key("invoice", dict(STAMP), dict(PROFILE), None)
        assert key == views.stamp_key("invoice", {**STAMP, "number": "INV-0002"}, PROFILE, None)
        assert key == views.stamp_key("invoice", STAMP, {**PROFILE, "name": "Renamed"}, None)
        changed = [
            views.stamp_key("invoice", {**STAMP, "version": 4}, PROFILE, None),
            views.stamp_key("invoice", {**STAMP, "state": "overdue"}, PROFILE, None),
            views.stamp_key("invoice", {**STAMP, "id": "00000000-0000-4000-8001-000000000003"},
                            PROFILE, None),
            views.stamp_key("quote", STAMP, PROFILE, None),
            views.stamp_key("invoice", STAMP, {**PROFILE, "updated_at": "2026-01-02"}, None),
            views.stamp_key("invoice", STAMP, PROFILE, type("Logo", (), {"sha256": "0" * 64})()),
        ]
        with force_locale("fr"):
            changed.append(views.stamp_key("invoice", STAMP, PROFILE, None))
        monkeypatch.setitem(demo_app.config, "PORTAL_BASE_URL", "https://portal.example")
        changed.append(views.stamp_key("invoice", STAMP, PROFILE, None))
        monkeypatch.setattr(views, "template_version", lambda: "another layout")
        changed.append(views.stamp_key("invoice", STAMP, PROFILE, None))
    assert len({key, *changed}) == len(changed) + 1
