"""Migrating a database made before company accounts: every client becomes a client with one
owner contact carrying its email and name, its live sessions and links become that owner's, and
nothing is lost (the schema of the commit before issue 15, then today's)."""

import io
import json
import subprocess
import tarfile
import uuid

import psycopg
import pytest

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate

BEFORE_CONTACTS = "041dd5748050e96faabfd562b6e3de169d072d8c"  # main, just before issue 15


@pytest.fixture
def scratch_url(server_url):
    name = f"portal_accounts_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture
def old_project(tmp_path):
    archive = subprocess.run(["git", "archive", BEFORE_CONTACTS, "functions", "sql", "supabase/migrations"],
                             cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(tmp_path, filter="data")
    return tmp_path


def test_existing_clients_become_owner_contacts_and_stay_signed_in(scratch_url, old_project):
    migrate(scratch_url, root=old_project)
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("insert into public.clients (id, name, email, portal_access) values"
                     " ('aaaaaaaa-0000-4000-8000-0000000000e1', 'Ada Old', 'Ada@Old.test', true),"
                     " ('bbbbbbbb-0000-4000-8000-0000000000e1', 'Bea Old', 'bea@old.test', false)")
        session_id = conn.execute("insert into private.sessions (client_id, expires_at) values"
                                  " ('aaaaaaaa-0000-4000-8000-0000000000e1', now() + interval '1 hour')"
                                  " returning id::text").fetchone()[0]
        before = conn.execute("select count(*) from public.clients").fetchone()[0]

    migrate(scratch_url)

    with psycopg.connect(scratch_url) as conn:
        owners = conn.execute("select c.email, k.email, k.name, k.role from public.clients c"
                              " join public.contacts k on k.client_id = c.id order by c.email").fetchall()
        assert owners == [("Ada@Old.test", "Ada@Old.test", "Ada Old", "owner"),
                          ("bea@old.test", "bea@old.test", "Bea Old", "owner")]
        assert conn.execute("select count(*) from public.clients").fetchone()[0] == before
        orphans = conn.execute("select count(*) from private.sessions where contact_id is null")
        assert orphans.fetchone()[0] == 0
        claims = {"sub": str(uuid.uuid4()), "email": "ada@old.test", "role": "authenticated",
                  "session_id": session_id, "amr": [{"method": "otp", "timestamp": 1}]}
        conn.execute("select set_config('role', 'authenticated', true),"
                     " set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        assert str(conn.execute("select private.current_client_id()").fetchone()[0]) == \
            "aaaaaaaa-0000-4000-8000-0000000000e1", "a session from before the migration still signs in"
