"""The isolation matrix: client A can read, insert, update or delete nothing of client B's; and
within client A, each contact's role decides what it may change (contacts x roles x actions).

Tables and client-callable functions are discovered from the catalog, so a table or function
added later is covered without touching this file; a table without RLS fails here.
"""

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.identity import portal_claims, supabase_session_claims

A = "aaaaaaaa-0000-4000-8000-000000000001"
B = "bbbbbbbb-0000-4000-8000-000000000001"
# Who acts, by name; the claims are made once the fixture is loaded (sessions need the clients).
CLAIMS = {}
# Sessions not made by the portal's magic-link flow, or no longer live, carrying client A's own
# email: each must be nobody.
IMPOSTORS = ["password_signup", "anonymous", "signed_out", "supabase_signed_out", "no_amr"]
# Tables every signed-in client may read in full (the business's public information).
SHARED_TABLES = {"settings", "booking_links", "booking_availability", "booking_blocked_dates"}
# The only writes a client may make outside functions: its own phone and address. (Quote
# decisions go through accept_quote/reject_quote only.)
CLIENT_UPDATABLE_COLUMNS = {
    "clients": {"phone", "address_line1", "address_line2", "city", "region", "postal_code", "country"},
}
FIXTURE = Path(__file__).with_name("fixture.sql")
# Client A's people besides its owner (fixture.sql), by role.
ROLE_EMAILS = {"owner": "A@Isolation.test", "billing": "a-billing@isolation.test",
               "approver": "a-approver@isolation.test", "viewer": "a-viewer@isolation.test"}
# What each role may do (the product's rule; private.role_may is the database's copy).
ROLE_ACTIONS = {"owner": {"pay", "decide", "book", "edit_profile", "manage_contacts"},
                "billing": {"pay", "book"}, "approver": {"decide", "book"}, "viewer": set()}
ACTIONS = ["pay", "decide", "book", "edit_profile", "manage_contacts"]
# Tables whose rows of A only the roles holding the action may change, through any function.
TABLES_OF_ACTION = {"decide": {"quotes"}, "edit_profile": {"clients"}, "manage_contacts": {"contacts"},
                    "book": {"bookings"}}
# Calls that only note that a document was read (for the business): any reader makes them.
READ_RECEIPTS = {"record_document_view"}


@pytest.fixture(scope="module")
def conn(database_url):
    """One transaction holding the fixture; every attempt runs in a savepoint; all rolled back."""
    with psycopg.connect(database_url) as connection:
        connection.execute(FIXTURE.read_text())
        CLAIMS.update(make_claims(connection))
        yield connection
        connection.rollback()


def make_claims(conn):
    a = "A@Isolation.test"
    stranger = portal_claims(conn, "mallory@evil.test")
    claims = {
        "a": portal_claims(conn, a),
        # Supabase mode: a GoTrue magic-link session, live in auth.sessions.
        "a_supabase": supabase_session_claims(conn, a),
        "no_access": portal_claims(conn, "c@isolation.test"),
        "archived": portal_claims(conn, "d@isolation.test"),
        "stranger": stranger,
        # Supabase lets users write user_metadata themselves: it must never grant an identity.
        "metadata_only": {**stranger, "user_metadata": {"email": "b@isolation.test"}},
        # GoTrue sessions anyone with the anon key can make (sign-ups auto-confirmed, anonymous
        # sign-ins), carrying A's email, live in auth.sessions.
        "password_signup": supabase_session_claims(conn, a, "password"),
        "anonymous": supabase_session_claims(conn, a, "anonymous", is_anonymous=True),
        "signed_out": portal_claims(conn, a),
        "supabase_signed_out": supabase_session_claims(conn, a),
        "no_amr": {key: value for key, value in portal_claims(conn, a).items() if key != "amr"},
        **{f"a_{role}": portal_claims(conn, email) for role, email in ROLE_EMAILS.items() if role != "owner"},
    }
    conn.execute("update private.sessions set revoked_at = now() where id = %s",
                 (claims["signed_out"]["session_id"],))
    conn.execute("delete from auth.sessions where id = %s", (claims["supabase_signed_out"]["session_id"],))
    return claims


@pytest.fixture(scope="module")
def catalog(conn):
    tables = [r[0] for r in conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1")]
    fks = conn.execute(
        "select c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname"
        "  from pg_constraint c"
        "  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]"
        "  join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]"
        " where c.contype = 'f' and cardinality(c.conkey) = 1"
        "   and c.connamespace = 'public'::regnamespace").fetchall()
    return {"tables": tables, "owner_sql": {t: owner_expression(t, fks) for t in tables}}


def owner_expression(table, fks, alias="t", depth=0):
    """SQL giving the client that owns a row of `table`, following foreign keys; None if none."""
    if table == "clients":
        return f"{alias}.id"
    for child, column, _parent, _parent_column in fks:
        if child == table and column == "client_id":
            return f"{alias}.client_id"
    for child, column, parent, parent_column in fks:
        if child == table and depth < 4:
            inner = owner_expression(parent, fks, f"p{depth}", depth + 1)
            if inner:
                return (f"(select {inner} from public.{parent} p{depth}"
                        f" where p{depth}.{parent_column} = {alias}.{column})")
    return None


def as_role(conn, role, claims=None):
    conn.execute("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                 (role, json.dumps(claims or {})))


def attempt(conn, statement, params=(), role="authenticated", claims=None):
    """Runs one statement as the given identity in a savepoint that is always rolled back.

    Returns ("rows", n, result) or ("error", sqlstate, message)."""
    conn.execute("savepoint attempt")
    try:
        as_role(conn, role, CLAIMS["a"] if claims is None else claims)
        cur = conn.execute(statement, params)
        result = cur.fetchall() if cur.description else None
        return ("rows", cur.rowcount, result)
    except psycopg.Error as error:
        return ("error", error.sqlstate, str(error).splitlines()[0])
    finally:
        conn.execute("rollback to savepoint attempt")


def owned_ctids(conn, table, owner_sql, client_id):
    query = sql.SQL("select t.ctid::text from public.{} t where {} = %s").format(
        sql.Identifier(table), sql.SQL(owner_sql))
    return {r[0] for r in conn.execute(query, (client_id,))}


def visible_ctids(conn, table, claims):
    query = sql.SQL("select t.ctid::text from public.{} t").format(sql.Identifier(table))
    kind, code, rows = attempt(conn, query, claims=claims)
    if kind == "error":
        assert code == "42501", f"{table}: unexpected error {rows}"
        return set()
    return {r[0] for r in rows}


def snapshot_of(conn, catalog, client_id):
    """A fingerprint of everything a client owns, read as the owner (past RLS)."""
    prints = {}
    for table, owner_sql in catalog["owner_sql"].items():
        if owner_sql:
            query = sql.SQL(
                "select md5(coalesce(string_agg(to_jsonb(t)::text, ',' order by to_jsonb(t)::text), ''))"
                " from public.{} t where {} = %s").format(sql.Identifier(table), sql.SQL(owner_sql))
            prints[table] = conn.execute(query, (client_id,)).fetchone()[0]
    return prints


def test_every_table_has_row_level_security(conn):
    missing = [r[0] for r in conn.execute(
        "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and not c.relrowsecurity")]
    assert missing == [], f"tables without row-level security: {missing}"


def test_fixture_covers_every_client_owned_table(conn, catalog):
    uncovered = [
        table for table, owner_sql in catalog["owner_sql"].items()
        if owner_sql and not (owned_ctids(conn, table, owner_sql, A)
                              and owned_ctids(conn, table, owner_sql, B))]
    assert uncovered == [], f"add rows for A and B to {FIXTURE.name} for: {uncovered}"
    unowned = [t for t, o in catalog["owner_sql"].items() if o is None]
    assert set(unowned) - SHARED_TABLES, "expected at least one server-only table (stripe_events)"


def test_client_a_reads_nothing_of_client_b(conn, catalog):
    leaks = {}
    for table, owner_sql in catalog["owner_sql"].items():
        if owner_sql:
            seen = visible_ctids(conn, table, CLAIMS["a"]) & owned_ctids(conn, table, owner_sql, B)
            if seen:
                leaks[table] = len(seen)
    assert leaks == {}, f"client A can read client B's rows: {leaks}"


def test_client_a_sees_only_its_own_rows_or_shared_ones(conn, catalog):
    foreign = {}
    for table, owner_sql in catalog["owner_sql"].items():
        visible = visible_ctids(conn, table, CLAIMS["a"])
        if table in SHARED_TABLES:
            continue
        own = owned_ctids(conn, table, owner_sql, A) if owner_sql else set()
        if visible - own:
            foreign[table] = len(visible - own)
    assert foreign == {}, f"client A sees rows that are not its own: {foreign}"


def test_client_a_sees_its_own_documents(conn, catalog):
    """The matrix proves something only if A does see its own data."""
    for table in ("clients", "invoices", "invoice_items", "payments", "quotes", "activity", "bookings"):
        own = owned_ctids(conn, table, catalog["owner_sql"][table], A)
        assert own and own <= visible_ctids(conn, table, CLAIMS["a"]), table


def test_client_a_sees_its_own_documents_in_supabase_mode(conn, catalog):
    """A GoTrue magic-link session (auth.sessions) is as good as the portal's own."""
    own = owned_ctids(conn, "invoices", catalog["owner_sql"]["invoices"], A)
    assert own and own <= visible_ctids(conn, "invoices", CLAIMS["a_supabase"])


@pytest.mark.parametrize("who", ["no_access", "archived", "stranger", "metadata_only", *IMPOSTORS])
def test_anyone_but_an_enabled_client_sees_nothing(conn, catalog, who):
    seen = {t: n for t in catalog["tables"] if (n := len(visible_ctids(conn, t, CLAIMS[who])))}
    assert seen == {}, f"{who} can read: {seen}"


def test_anonymous_sees_nothing(conn, catalog):
    seen = {}
    for table in catalog["tables"]:
        query = sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))
        kind, code, rows = attempt(conn, query, role="anon", claims={"role": "anon"})
        if kind == "rows" and rows[0][0]:
            seen[table] = rows[0][0]
    assert seen == {}, f"anonymous requests can read: {seen}"


def test_client_privileges_are_the_minimum(conn, catalog):
    excess = []
    for table in catalog["tables"]:
        for role in ("anon", "authenticated"):
            for privilege in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
                if conn.execute("select has_table_privilege(%s, %s, %s)",
                                (role, f"public.{table}", privilege)).fetchone()[0]:
                    excess.append(f"{role} {privilege} on {table}")
        columns = {r[0] for r in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0"
            " and not attisdropped and has_column_privilege('authenticated', attrelid, attnum, 'UPDATE')",
            (f"public.{table}",))}
        if columns - CLIENT_UPDATABLE_COLUMNS.get(table, set()):
            excess.append(f"authenticated UPDATE of {sorted(columns)} on {table}")
        if conn.execute("select has_table_privilege('anon', %s, 'SELECT')",
                        (f"public.{table}",)).fetchone()[0]:
            excess.append(f"anon SELECT on {table}")
    assert excess == [], excess


def test_client_a_cannot_change_or_delete_client_b_rows(conn, catalog):
    before = snapshot_of(conn, catalog, B)
    changed = []
    for table, owner_sql in catalog["owner_sql"].items():
        if not owner_sql:
            continue
        ctids = sorted(owned_ctids(conn, table, owner_sql, B))
        target = sql.SQL("ctid = any(%s::tid[])")
        columns = [r[0] for r in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0"
            " and not attisdropped and attgenerated = '' and attidentity = ''",
            (f"public.{table}",))]
        statements = [sql.SQL("delete from public.{} where {}").format(sql.Identifier(table), target)]
        statements += [
            sql.SQL("update public.{} set {} = {} where {}").format(
                sql.Identifier(table), sql.Identifier(c), sql.Identifier(c), target)
            for c in columns]
        for statement in statements:
            kind, code, _ = attempt(conn, statement, (ctids,))
            if not (kind == "error" and code == "42501" or kind == "rows" and code == 0):
                changed.append(f"{statement.as_string(conn)}: {kind} {code}")
    assert changed == [], changed
    assert snapshot_of(conn, catalog, B) == before


def test_client_a_cannot_insert_rows_for_client_b(conn, catalog):
    accepted = []
    for table, owner_sql in catalog["owner_sql"].items():
        if not owner_sql:
            continue
        row = conn.execute(
            sql.SQL("select to_jsonb(t) from public.{} t where {} = %s limit 1").format(
                sql.Identifier(table), sql.SQL(owner_sql)), (B,)).fetchone()[0]
        copy = make_unique_copy(conn, table, row)
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in copy)
        statement = sql.SQL(
            "insert into public.{t} ({cols}) select {cols} from jsonb_populate_record(null::public.{t}, %s)"
        ).format(t=sql.Identifier(table), cols=columns)
        kind, code, message = attempt(conn, statement, (json.dumps(copy),))
        if not (kind == "error" and code == "42501"):
            accepted.append(f"{table}: {kind} {code} {message if kind == 'error' else ''}")
    assert accepted == [], f"inserting a copy of B's row was not refused as 42501: {accepted}"


def make_unique_copy(conn, table, row):
    """B's row with new keys, so only authorization (not a unique key) can refuse it."""
    info = conn.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod),"
        "       exists (select from pg_index i where i.indrelid = a.attrelid and i.indisunique"
        "                 and a.attnum = any(i.indkey))"
        "  from pg_attribute a where a.attrelid = %s::regclass and a.attnum > 0"
        "   and not a.attisdropped and a.attgenerated = '' and a.attidentity = ''",
        (f"public.{table}",)).fetchall()
    copy = {}
    for name, type_name, unique in info:
        value = row.get(name)
        if unique and value is not None:
            value = (conn.execute("select gen_random_uuid()::text").fetchone()[0]
                     if type_name == "uuid" else f"{value}_copy")
        copy[name] = value
    return copy


def client_callable_functions(conn):
    return conn.execute(
        "select p.oid::regprocedure::text, p.proname, coalesce(p.proargnames, '{}'),"
        "       array(select format_type(t, null) from unnest(p.proargtypes) t)"
        "  from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'"
        "   and has_function_privilege('authenticated', p.oid, 'EXECUTE') order by 1").fetchall()


def test_functions_reveal_and_change_nothing_of_client_b(conn, catalog):
    functions = client_callable_functions(conn)
    assert {"portal_dashboard", "portal_invoice", "accept_quote"} <= {f[1] for f in functions}
    secrets = {"b@isolation.test", "ISO-B-1", "ISO-B-2", "ISO-QB-1", "B's appointment"}
    before = snapshot_of(conn, catalog, B)
    leaks = call_every_function(conn, catalog, functions, B, secrets, CLAIMS["a"])
    assert leaks == [], leaks
    assert snapshot_of(conn, catalog, B) == before


@pytest.mark.parametrize("who", IMPOSTORS)
def test_every_function_refuses_impostors_carrying_a_clients_email(conn, catalog, who):
    """Each client function, aimed at A's own documents by a session that is not the portal's
    live magic-link session, reveals and changes nothing of A's."""
    functions = client_callable_functions(conn)
    secrets = {"ISO-A-1", "ISO-QA-1", "Client A", "+1 555 000 0001"}
    before = snapshot_of(conn, catalog, A)
    leaks = call_every_function(conn, catalog, functions, A, secrets, CLAIMS[who])
    assert leaks == [], leaks
    assert snapshot_of(conn, catalog, A) == before


def call_every_function(conn, catalog, functions, victim, secrets, claims):
    """Calls every function with arguments aimed at the victim's rows; what of the victim's
    (ids or the given secrets) the results reveal."""
    ids = {r[0] for t, o in catalog["owner_sql"].items() if o and uuid_id(conn, t)
           for r in conn.execute(sql.SQL("select t.id::text from public.{} t where {} = %s").format(
               sql.Identifier(t), sql.SQL(o)), (victim,))}
    leaks = []
    for signature, name, arg_names, arg_types in functions:
        for values in argument_sets(arg_types, sorted(ids)):
            call = sql.SQL("select {}({})::text").format(
                sql.Identifier("public", name),
                sql.SQL(", ").join(sql.SQL("{} => %s").format(sql.Identifier(a)) for a in arg_names))
            kind, code, result = attempt(conn, call, values, claims=claims)
            text = result[0][0] if kind == "rows" and result and result[0][0] else ""
            leaks += [f"{signature}{values}: {s}" for s in ids | secrets if s in text]
    return leaks


def uuid_id(conn, table):
    """True when the table's `id` is a uuid: those are what a client could aim a call at."""
    return conn.execute(
        "select exists (select from pg_attribute where attrelid = %s::regclass"
        " and attname = 'id' and atttypid = 'uuid'::regtype)", (f"public.{table}",)).fetchone()[0]


def argument_sets(arg_types, b_ids):
    """Arguments aimed at B: each of B's ids for uuid parameters, plausible values elsewhere."""
    texts = ["all", "b@isolation.test", "ISO-B-1", "Mallory", "viewer"]
    samples = {"uuid": b_ids, "text": texts, "integer": [1], "date": ["2030-01-01"],
               "timestamp with time zone": ["2030-01-01T10:00:00Z"], "boolean": [True]}
    rounds = max(len(samples.get(t, [None])) for t in arg_types) if arg_types else 1
    return [tuple(samples.get(t, [None])[i % len(samples.get(t, [None]))] for t in arg_types)
            for i in range(rounds)]


def test_anonymous_can_call_no_function(conn):
    callable_by_anon = [r[0] for r in conn.execute(
        "select p.oid::regprocedure::text from pg_proc p"
        " where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)"
        "   and has_function_privilege('anon', p.oid, 'EXECUTE')")]
    assert callable_by_anon == []


def role_claims(role):
    return CLAIMS["a"] if role == "owner" else CLAIMS[f"a_{role}"]


@pytest.mark.parametrize("role", list(ROLE_ACTIONS))
def test_each_role_may_do_exactly_its_actions(conn, role):
    """check_role_for, which the payment pages ask before Stripe, and every role check of the
    database answer alike: a viewer cannot pay or decide, an approver cannot pay."""
    allowed = set()
    for action in ACTIONS:
        kind, code, _ = attempt(conn, "select public.check_role_for(%s)", (action,), claims=role_claims(role))
        assert kind == "rows" or code == "42501", (role, action, code)
        if kind == "rows":
            allowed.add(action)
    assert allowed == ROLE_ACTIONS[role]


def changes_by_function(conn, catalog, functions, claims):
    """Calls every function aimed at A's own rows as `claims`; which of A's tables each call
    changed (seen inside the call's savepoint, before it is rolled back)."""
    ids = {r[0] for t, o in catalog["owner_sql"].items() if o and uuid_id(conn, t)
           for r in conn.execute(sql.SQL("select t.id::text from public.{} t where {} = %s").format(
               sql.Identifier(t), sql.SQL(o)), (A,))}
    before = snapshot_of(conn, catalog, A)
    changed = {}
    for signature, name, arg_names, arg_types in functions:
        if name in READ_RECEIPTS:
            continue
        for values in argument_sets(arg_types, sorted(ids)):
            call = sql.SQL("select {}({})::text").format(
                sql.Identifier("public", name),
                sql.SQL(", ").join(sql.SQL("{} => %s").format(sql.Identifier(a)) for a in arg_names))
            conn.execute("savepoint role_call")
            try:
                as_role(conn, "authenticated", claims)
                try:
                    conn.execute("savepoint inner_call")
                    conn.execute(call, values)
                except psycopg.Error:
                    conn.execute("rollback to savepoint inner_call")
                conn.execute("select set_config('role', 'none', true)")
                after = snapshot_of(conn, catalog, A)
                tables = {t for t in after if after[t] != before[t]}
                if tables:
                    changed.setdefault(signature, set()).update(tables)
            finally:
                conn.execute("rollback to savepoint role_call")
    return changed


@pytest.mark.parametrize("role", list(ROLE_ACTIONS))
def test_each_role_changes_only_what_its_actions_allow(conn, catalog, role):
    """Every client function, called by A's contact of this role at A's own rows: a viewer
    changes nothing; no role changes the tables of an action it lacks."""
    changed = changes_by_function(conn, catalog, client_callable_functions(conn), role_claims(role))
    if role == "viewer":
        assert changed == {}
    forbidden = set().union(*(TABLES_OF_ACTION.get(a, set()) for a in ACTIONS if a not in ROLE_ACTIONS[role]))
    trespass = {f: t & forbidden for f, t in changed.items() if t & forbidden}
    assert trespass == {}, f"{role} changed what its role does not allow: {trespass}"
    # The matrix proves something only if a role that may decide does decide A's quotes.
    if "decide" in ROLE_ACTIONS[role]:
        assert any("quotes" in tables for tables in changed.values()), "no quote decision was reached"
