"""The generated migration carries functions/ and sql/policies/ to Supabase CLI deployments
(`portal db generate`); CI fails while it is out of date."""

import re
import shutil

import pytest

from app.config import PROJECT_ROOT
from app.db.generate import SUFFIX, generate, is_up_to_date, newest_generated, render


def test_the_newest_generated_migration_is_up_to_date():
    assert newest_generated() is not None, "no generated migration: run `.venv/bin/portal db generate`"
    assert is_up_to_date(), (
        f"functions/ or sql/policies/ changed since {newest_generated().name}: run"
        " `.venv/bin/portal db generate` and commit the new migration (never edit the old one)")


@pytest.fixture
def project(tmp_path):
    """A copy of the repository's SQL, to change freely."""
    for part in ("functions", "sql/policies", "supabase/migrations"):
        shutil.copytree(PROJECT_ROOT / part, tmp_path / part)
    return tmp_path


def test_a_changed_function_needs_a_new_generated_migration(project):
    before = newest_generated(project)
    function = project / "functions" / "portal_profile.sql"
    function.write_text(function.read_text() + "\n-- changed\n")

    assert not is_up_to_date(project)
    written = generate(project)

    assert written.name.endswith(f"_{SUFFIX}.sql") and written.name > before.name
    assert "-- changed" in written.read_text() and "-- changed" not in before.read_text()
    assert newest_generated(project) == written and is_up_to_date(project)
    assert generate(project) is None, "nothing changed since: nothing to write"


def test_a_changed_policy_needs_one_too(project):
    policy = project / "sql" / "policies" / "invoices.sql"
    policy.write_text(policy.read_text().replace("not archived", "not archived and true"))
    assert not is_up_to_date(project)


def test_it_holds_every_function_then_every_policy(project):
    text = render(project)
    names = [line.split()[1] for line in text.splitlines() if line.startswith("-- functions/")
             or line.startswith("-- sql/policies/")]
    functions = [n for n in names if n.startswith("functions/")]
    assert len(functions) == len(list((project / "functions").glob("*.sql")))
    assert names == functions + [n for n in names if n.startswith("sql/policies/")]
    assert functions[0].startswith("functions/private.")


def test_a_version_not_after_the_others_is_refused(project):
    (project / "functions" / "portal_profile.sql").write_text("-- changed\n")
    with pytest.raises(ValueError):
        generate(project, version="20200101000000")


def test_a_deleted_function_file_is_dropped_first(project):
    (project / "functions" / "portal_profile.sql").unlink()
    text = render(project)
    drop = "drop function if exists public.portal_profile();"
    assert drop in text and text.index(drop) < text.index("-- functions/")
    generate(project)
    assert is_up_to_date(project) and drop in render(project), "and stays dropped in later ones"


def test_only_the_functions_no_file_defines_are_dropped(project):
    """Once generated, a deleted file's function (and nothing else) is dropped by the next one;
    functions that migrations themselves define (triggers, helpers) are never dropped."""
    generate(project)
    already = dropped(render(project))  # e.g. a function this branch renamed
    (project / "functions" / "portal_profile.sql").unlink()
    assert dropped(render(project)) - already == {"public.portal_profile"}
    assert "public.portal_profile" not in already


def dropped(text: str) -> set[str]:
    """The functions a generated migration drops, ahead of the function files."""
    return set(re.findall(r"drop function if exists (\S+)\(", text.split("\n-- functions/")[0]))
