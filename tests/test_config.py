"""Production refuses to start when it cannot work, with one message naming every missing or
contradictory setting (issue 11, item 2)."""

import os
import subprocess
import sys

import pytest

from app import create_app
from app.config import ConfigError, from_environment

COMPLETE = {
    "PORTAL_ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": "postgresql://db/portal",
    "PORTAL_BASE_URL": "https://portal.example.com", "SMTP_HOST": "smtp.example.com",
    "SMTP_USERNAME": "portal", "SMTP_PASSWORD": "secret", "MAIL_FROM": "Studio <portal@example.com>",
    "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
}


def problems(env) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        from_environment(env)
    return refused.value.problems


def test_a_complete_production_configuration_starts():
    config = from_environment(COMPLETE)
    assert config["PORTAL_ENV"] == "production" and config["SESSION_COOKIE_SECURE"] is True


def test_an_empty_production_configuration_names_every_missing_setting_at_once():
    found = problems({"PORTAL_ENV": "production"})
    for setting in ("SECRET_KEY", "No database", "PORTAL_BASE_URL", "SMTP_HOST", "MAIL_FROM"):
        assert sum(setting in problem for problem in found) == 1, (setting, found)
    assert len(found) == 5


@pytest.mark.parametrize("change,named", [
    ({"SMTP_HOST": None}, "SMTP_HOST is not set"),
    ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET"),
    ({"STRIPE_SECRET_KEY": None}, "STRIPE_WEBHOOK_SECRET is set without STRIPE_SECRET_KEY"),
    ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    ({"SUPABASE_URL": "https://ref.supabase.co", "SUPABASE_ANON_KEY": "sb_publishable_x"},
     "Supabase is half configured: SUPABASE_URL, SUPABASE_ANON_KEY set but SUPABASE_SERVICE_ROLE_KEY"),
    ({"DATABASE_URL": None}, "No database"),
    ({"PORTAL_BASE_URL": "http://portal.example.com"}, "PORTAL_BASE_URL must start with https://"),
    ({"SMTP_PASSWORD": None}, "SMTP_USERNAME and SMTP_PASSWORD go together"),
    ({"STRIPE_APPLICATION_FEE_PERCENT": "five"}, "STRIPE_APPLICATION_FEE_PERCENT must be a number"),
    ({"SESSION_IDLE_SECONDS": "36000"}, "SESSION_IDLE_SECONDS is longer than SESSION_LIFETIME_SECONDS"),
    ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES must be a whole number of at least 0"),
    ({"SMTP_PORT": "smtp"}, "SMTP_PORT must be a whole number"),
    ({"PAGE_CACHE_SIZE": "-5"}, "PAGE_CACHE_SIZE must be a whole number of at least 0"),
])
def test_each_missing_or_contradictory_setting_is_named(change, named):
    env = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    (problem,) = problems(env)
    assert named in problem


def test_supabase_mode_needs_no_database_url():
    env = {k: v for k, v in COMPLETE.items() if k != "DATABASE_URL"}
    env.update(SUPABASE_URL="https://ref.supabase.co", SUPABASE_ANON_KEY="sb_publishable_x",
               SUPABASE_SERVICE_ROLE_KEY="sb_secret_x")
    assert from_environment(env)["SUPABASE_URL"] == "https://ref.supabase.co"


def test_the_web_app_and_the_worker_refuse_to_start(monkeypatch):
    monkeypatch.setattr(os, "environ", {"PORTAL_ENV": "production", "STRIPE_SECRET_KEY": "sk_live_x"})
    with pytest.raises(ConfigError) as refused:
        create_app()  # what gunicorn 'app:create_app()' calls
    assert "STRIPE_WEBHOOK_SECRET" in str(refused.value) and "SMTP_HOST" in str(refused.value)
    monkeypatch.undo()
    worker = subprocess.run([sys.executable, "-m", "app.cli", "worker"], capture_output=True, text=True,
                            timeout=60, env={"PATH": os.environ["PATH"], "PORTAL_ENV": "production"})
    assert worker.returncode == 1
    assert worker.stderr.startswith("The portal cannot start with these settings:")
    assert "SMTP_HOST is not set" in worker.stderr and "Traceback" not in worker.stderr
