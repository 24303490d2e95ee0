"""Runs the pgTAP files of supabase/tests (what `supabase test db` runs) with psql."""

import os
import re
import subprocess
from pathlib import Path

import pytest

PGTAP_DIR = Path(__file__).resolve().parents[1] / "supabase" / "tests"
FILES = sorted(PGTAP_DIR.glob("*.sql"))
PLAN = re.compile(r"^1\.\.(\d+)$")
PASSED = re.compile(r"^ok \d+\b")


SETUP = PGTAP_DIR / "000_setup_tests_helpers.sql"


def run_file(url, path):
    command = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def pgtap_database_url(request):
    """PGTAP_DATABASE_URL when set (an already migrated database, e.g. a local Supabase's),
    else the session's freshly migrated database; with the test helpers installed first, as
    `supabase test db` does by running 000_setup_tests_helpers.sql before the others."""
    url = os.environ.get("PGTAP_DATABASE_URL") or request.getfixturevalue("database_url")
    setup = run_file(url, SETUP)
    assert setup.returncode == 0, setup.stderr
    return url


def failures(lines):
    """Each `not ok` line with the diagnostics pgTAP prints under it."""
    report, inside = [], False
    for line in lines:
        if line.startswith("not ok"):
            inside = True
        elif not line.startswith("#"):
            inside = False
        if inside:
            report.append(line)
    return report


def test_there_are_pgtap_files():
    assert FILES, f"no pgTAP file in {PGTAP_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_pgtap_file(pgtap_database_url, path):
    run = run_file(pgtap_database_url, path)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, (
        f"psql exited with {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}")
    not_ok = failures(lines)
    failed = sum(1 for line in not_ok if line.startswith("not ok"))
    assert not failed, f"{path.name}: {failed} failed\n" + "\n".join(not_ok)
    plans = [int(m.group(1)) for m in map(PLAN.match, lines) if m]
    assert len(plans) == 1, f"{path.name}: expected one plan line 1..N, got {plans}:\n{run.stdout}"
    passed = sum(1 for line in lines if PASSED.match(line))
    assert passed == plans[0], (
        f"{path.name}: planned {plans[0]} tests but {passed} passed:\n{run.stdout}")


def test_the_test_clients_come_from_one_helper():
    """One definition (tests.create_clients in the setup file), not a block copied per file."""
    copies = [p.name for p in FILES if p != SETUP and "'a@pgtap.test', true, false)" in p.read_text()]
    assert copies == []
