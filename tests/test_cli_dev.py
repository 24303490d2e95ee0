"""`portal dev` (what `make run` starts) with its port taken: it fails up-front, before touching
any database, and says how to choose another port."""

import socket
import subprocess
import sys

from app.config import PROJECT_ROOT


def test_a_busy_port_fails_up_front_with_how_to_choose_another(server_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # A database that does not exist: the check must come before any database work.
        nowhere = server_url.rsplit("/", 1)[0] + "/wt_ui_never_created"
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "dev", "--port", str(port)], cwd=PROJECT_ROOT,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": nowhere},
            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "running at" not in result.stdout
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr and f"make run PORT={port + 1}" in result.stderr
    assert "wt_ui_never_created" not in result.stderr, "it did not try the database"


def test_the_port_option_is_documented():
    assert "--port" in subprocess.run([sys.executable, "-m", "app.cli", "dev", "--help"],
                                      cwd=PROJECT_ROOT, capture_output=True, text=True).stdout
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make run PORT=" in readme and "--port" in readme
