"""The schema works whatever the project's default privileges: the whole suite runs on a new
project's (which grant nothing); here the pgTAP suite, the isolation matrix and the service-role
paths (sign-in access check, webhook, checkout, outbox) run again on an older project's, whose
defaults grant every new table, sequence and function to every API role."""

import os
import subprocess
import sys

from app.config import PROJECT_ROOT

ON_OLDER_DEFAULTS = ["tests/test_pgtap.py", "tests/isolation", "tests/auth/test_magic_link.py",
                     "tests/payments", "tests/test_outbox.py"]


def test_pgtap_isolation_and_service_paths_pass_on_an_older_projects_defaults():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ON_OLDER_DEFAULTS],
        cwd=PROJECT_ROOT, env={**os.environ, "PORTAL_TEST_DEFAULTS": "old"},
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
