"""The design documents live in the repository (docs/) and stay true: every path they name
exists, every module:function they name is there, and nothing points outside the repository
(a clone has no ../shared)."""

import re
import subprocess

import pytest

from app.config import PROJECT_ROOT

ARCHITECTURE = PROJECT_ROOT / "docs" / "ARCHITECTURE.md"
# `app/portal/views.py:invoice`, `functions/`, `sql/compat/supabase_compat.sql`, `app/cli.py`...
NAMED_PATH = re.compile(r"`((?:app|functions|sql|supabase|tests|bench|docs)/[^`\s]*)`")


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in names:
        path = PROJECT_ROOT / name
        if path.suffix in {".png", ".ico", ".ttf", ".pdf"} or not path.is_file():
            continue
        yield name, path.read_text(errors="replace")


def test_nothing_points_outside_the_repository():
    outside = [name for name, text in tracked_text_files()
               if re.search(r"\.\./shared|/work/shared|\bshared/(ARCHITECTURE|stripe)", text)
               and name != "tests/test_docs.py"]
    assert outside == []


def test_the_readme_points_to_the_design_in_docs():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "(docs/ARCHITECTURE.md)" in readme and ARCHITECTURE.is_file()


def test_the_architecture_links_the_other_documents_by_name():
    text = ARCHITECTURE.read_text()
    for name in ("DATABASE.md", "DEPLOYING.md", "PAYMENTS.md"):
        assert f"]({name})" in text, name


@pytest.mark.parametrize("named", sorted(set(NAMED_PATH.findall(ARCHITECTURE.read_text()))))
def test_every_path_the_architecture_names_exists(named):
    path, _, function = named.partition(":")
    assert (PROJECT_ROOT / path).exists(), path
    if function:
        assert re.search(rf"^def {function}\(", (PROJECT_ROOT / path).read_text(), re.M), named
