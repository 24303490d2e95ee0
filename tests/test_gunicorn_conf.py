"""gunicorn.conf.py, as gunicorn reads it from the repository's root: each worker compiles every
template before its first request, so no visitor waits for Jinja's compiler."""

import os
import subprocess
import sys
import time
from pathlib import Path

from app import create_app
from app.config import PROJECT_ROOT


def test_each_worker_compiles_every_template_before_serving(tmp_path):
    templates = create_app({"SECRET_KEY": "s" * 40}).jinja_env.list_templates()
    log = tmp_path / "gunicorn.log"
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "SUPABASE_URL")} | {"SECRET_KEY": "s" * 40}
    with open(log, "wb") as output:
        # No -c: gunicorn finds ./gunicorn.conf.py in the directory it starts in, as in production.
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", "1", "-b", "127.0.0.1:0",
             "--log-level", "info", "app:create_app()"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while "Compiled" not in log.read_text() and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert f"Compiled {len(templates)} templates" in log.read_text(), log.read_text()
    assert len(templates) > 50  # the portal's pages, PDFs and emails
