"""The portal's migrations leave a project's default privileges as they found them (issue 10,
finding 7): no global change reaching whatever the migrating role (`postgres`, the dashboard's
role too) creates later, in any schema; new and older projects alike."""

import uuid

import psycopg
import pytest

from app.db import cluster
from app.db.migrate import migrate
from tests.supabase_like import database as supabase_like

DEFAULT_PRIVILEGES = """
select coalesce(n.nspname, '(every schema)'), d.defaclobjtype::text,
       case a.grantee when 0 then 'public' else a.grantee::regrole::text end, a.privilege_type
  from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace,
       aclexplode(d.defaclacl) a
 where d.defaclrole = current_user::regrole
"""


@pytest.mark.parametrize("defaults", ["new", "old"], ids=["new_project", "older_project"])
def test_migrating_changes_no_default_privilege(server_url, defaults):
    name = f"portal_defaults_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name, defaults)
    try:
        with psycopg.connect(url) as conn:
            before = set(conn.execute(DEFAULT_PRIVILEGES).fetchall())
        migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            after = set(conn.execute(DEFAULT_PRIVILEGES).fetchall())
            # What an administrator creates later keeps Postgres's (and Supabase's) defaults.
            conn.execute("create schema reports")
            conn.execute("create function reports.total() returns int language sql as 'select 1'")
            callable_by_public = conn.execute(
                "select has_function_privilege('public', 'reports.total()', 'execute')").fetchone()[0]
    finally:
        cluster.drop_database(server_url, name)
    assert after == before
    assert callable_by_public
