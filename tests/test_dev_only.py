"""Development-only code (app/dev/) stays out of production: no endpoint, not even imported."""

import json
import os
import subprocess
import sys

from app.config import PROJECT_ROOT

# Made in a fresh interpreter: other tests of this run import app.dev, so sys.modules here
# could not tell what a production process loads.
REPORT = """
import json, sys
from app import create_app
app = create_app()
with app.test_client() as client:
    client.get("/login")
    client.get("/health")
print(json.dumps({"rules": sorted(rule.rule for rule in app.url_map.iter_rules()),
                  "dev_modules": sorted(m for m in sys.modules if m.split(".")[:2] == ["app", "dev"])}))
"""


def app_report(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", REPORT], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env}, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def development_endpoints(rules: list[str]) -> list[str]:
    return [rule for rule in rules if rule.startswith(("/dev/", "/_stripe/"))]


def test_a_production_app_registers_and_imports_nothing_from_app_dev(database_url):
    production = app_report({
        "PORTAL_ENV": "production", "SECRET_KEY": "p" * 32, "DATABASE_URL": database_url,
        "PORTAL_BASE_URL": "https://portal.example.com", "SMTP_HOST": "127.0.0.1",
        "MAIL_FROM": "Portal <portal@example.com>", "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x"})
    assert "/health" in production["rules"] and "/login" in production["rules"]
    assert development_endpoints(production["rules"]) == []
    assert production["dev_modules"] == []


def test_a_development_app_has_the_mailbox_and_the_stripe_double(database_url, tmp_path):
    development = app_report({"PORTAL_ENV": "development", "DATABASE_URL": database_url,
                              "MAILBOX_DIR": str(tmp_path), "STRIPE_SECRET_KEY": ""})
    assert "/dev/mailbox" in development_endpoints(development["rules"])
    assert any(rule.startswith("/_stripe/") for rule in development["rules"])
    assert "app.dev.stripe_double" in development["dev_modules"]
