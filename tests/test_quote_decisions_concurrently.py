"""Simultaneous decisions on one quote: exactly one wins, the others are told it is decided."""

import threading
import uuid

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from app.data import ClientIdentity, Conflict
from app.data.postgres import PostgresData
from app.db.pool import CONNECTION_SETTINGS
from tests.identity import signed_in


@pytest.fixture
def pending_quote(database_url):
    client_id, quote_id = uuid.uuid4(), uuid.uuid4()
    email = f"race-{client_id.hex[:8]}@example.test"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.clients (id, name, email, portal_access)"
                     " values (%s, 'Racer', %s, true)", (client_id, email))
        conn.execute("insert into public.quotes (id, client_id, number, status, valid_until)"
                     " values (%s, %s, %s, 'sent', current_date + 7)",
                     (quote_id, client_id, f"RACE-{quote_id.hex[:8]}"))
    yield email, str(quote_id)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("delete from public.activity where client_id = %s", (client_id,))
        conn.execute("delete from public.quotes where id = %s", (quote_id,))
        conn.execute("delete from public.clients where id = %s", (client_id,))


def test_exactly_one_of_ten_simultaneous_decisions_wins(database_url, pending_quote):
    email, quote_id = pending_quote
    identity = ClientIdentity("token", signed_in(database_url, email))
    pool = ConnectionPool(database_url, min_size=10, max_size=10, open=True,
                          kwargs=CONNECTION_SETTINGS)
    data, start, outcomes = PostgresData(pool), threading.Barrier(10), []

    def decide(n):
        start.wait()
        try:
            if n % 2:
                data.call_as_client(identity, "accept_quote", p_quote_id=quote_id,
                                    p_signer_name=f"Signer {n}")
            else:
                data.call_as_client(identity, "reject_quote", p_quote_id=quote_id, p_reason=f"No {n}")
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(error.message)

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool.close()

    assert outcomes.count("won") == 1
    assert all(o.startswith("Quote RACE-") and "was already" in o for o in outcomes if o != "won")
    with psycopg.connect(database_url) as conn:
        status, decisions = conn.execute(
            "select q.status::text, (select count(*) from public.activity a where a.subject_id = q.id"
            " and a.kind in ('quote_accepted', 'quote_rejected')) from public.quotes q where q.id = %s",
            (quote_id,)).fetchone()
    assert status in ("accepted", "rejected")
    assert decisions == 1
