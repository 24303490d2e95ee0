"""Runs the pgTAP files of supabase/tests (the ones `supabase test db` runs) on the test database."""

import re
import subprocess

import pytest

from app.config import PROJECT_ROOT

FILES = sorted((PROJECT_ROOT / "supabase" / "tests").glob("*.sql"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_pgtap_file(database_url, path):
    run = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", database_url,
                          "-f", str(path)], capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    plan = re.search(r"^1\.\.(\d+)$", run.stdout, re.MULTILINE)
    assert plan, f"no plan in:\n{output}"
    failures = [line for line in run.stdout.splitlines() if line.startswith("not ok")]
    assert failures == [], output
    passed = [line for line in run.stdout.splitlines() if re.match(r"ok \d+ ", line)]
    assert len(passed) == int(plan.group(1)), output
