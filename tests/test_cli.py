"""app/cli.py: each command, what it prints, its errors and its exit codes (the installed
`portal` script for the exit codes a shell sees)."""

import subprocess
import sys
import uuid

import pytest

from app.cli import main
from app.config import PROJECT_ROOT
from app.db import cluster

NOWHERE = "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1"
PORTAL = str(PROJECT_ROOT / ".venv" / "bin" / "portal")


@pytest.fixture
def empty_url(server_url):
    name = f"wt_arch_cli_{uuid.uuid4().hex[:12]}"
    yield cluster.ensure_database(server_url, name)
    cluster.drop_database(server_url, name)


def test_migrate_then_check_a_new_database(empty_url, capsys):
    assert main(["db", "check", "--database-url", empty_url]) == 1
    assert "PROBLEM: no migration history" in capsys.readouterr().out
    assert main(["db", "migrate", "--database-url", empty_url]) == 0
    first = capsys.readouterr().out
    assert first.startswith("Target: plain Postgres") and "  applied 20261124000100_" in first
    assert main(["db", "migrate", "--database-url", empty_url]) == 0
    assert "  nothing to apply" in capsys.readouterr().out
    assert main(["db", "check", "--database-url", empty_url]) == 0
    assert capsys.readouterr().out.rstrip().endswith("The database is as the repository says.")


@pytest.mark.parametrize("command,message", [
    ("migrate", "Migration failed: "),
    ("check", "Check failed: "),
])
def test_an_unreachable_database_exits_with_a_message(command, message):
    with pytest.raises(SystemExit) as exited:
        main(["db", command, "--database-url", NOWHERE])
    assert str(exited.value.code).startswith(message)


def test_generate_with_nothing_changed_writes_nothing(capsys):
    before = sorted((PROJECT_ROOT / "supabase" / "migrations").iterdir())
    assert main(["db", "generate"]) == 0
    assert capsys.readouterr().out == "The newest generated migration is up to date: nothing to do.\n"
    assert sorted((PROJECT_ROOT / "supabase" / "migrations").iterdir()) == before


def test_usage_errors_exit_2(capsys):
    for argv in ([], ["db"], ["dev", "--port", "x"], ["no-such-command"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2, argv
    assert "usage: portal" in capsys.readouterr().err


def test_a_production_worker_with_bad_settings_says_what_is_wrong(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    for name in ("SECRET_KEY", "DATABASE_URL", "SUPABASE_URL", "SMTP_HOST", "PORTAL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["worker"])
    assert "SECRET_KEY is not set" in str(exited.value.code)
    assert "No database" in str(exited.value.code)


def test_the_shell_sees_the_exit_codes(database_url, empty_url):
    ok = subprocess.run([PORTAL, "db", "check", "--database-url", database_url],
                        capture_output=True, text=True, timeout=60)
    problems = subprocess.run([PORTAL, "db", "check", "--database-url", empty_url],
                              capture_output=True, text=True, timeout=60)
    failed = subprocess.run([sys.executable, "-m", "app.cli", "db", "check", "--database-url", NOWHERE],
                            capture_output=True, text=True, timeout=60)
    assert (ok.returncode, problems.returncode, failed.returncode) == (0, 1, 1)
    assert "problem(s)" in problems.stdout and failed.stderr.startswith("Check failed: ")


def test_email_preview_renders_every_kind_without_a_database(capsys):
    from app.email_demo import CONTEXTS

    for kind in sorted(CONTEXTS):
        assert main(["email", "preview", kind]) == 0
        text = capsys.readouterr().out
        assert text.startswith("Subject: ") and len(text.splitlines()) > 3, kind
        assert main(["email", "preview", kind, "--html"]) == 0
        html = capsys.readouterr().out
        assert html.lstrip().lower().startswith("<!doctype html>") and "<script" not in html, kind


def test_email_preview_of_an_unknown_kind_names_the_kinds():
    with pytest.raises(SystemExit) as exited:
        main(["email", "preview", "no_such_kind"])
    assert "No email kind 'no_such_kind'" in str(exited.value) and "invoice_sent" in str(exited.value)
