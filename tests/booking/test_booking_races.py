"""Simultaneous requests: the database's exclusion constraint lets exactly one booking of a time
win, however many clients, tabs or overlapping times race for it; the others are told why."""

import json
import threading

import psycopg
from psycopg_pool import ConnectionPool

from app.data import Conflict
from app.data.postgres import PostgresData
from app.db.pool import CONNECTION_SETTINGS
from tests.booking.conftest import identity
from tests.identity import signed_in

TAKEN = "This time is no longer available. Please choose another."
RACERS = 50


def race(database_url, calls):
    """Runs the calls at the same moment, each on its own connection; returns each outcome:
    the result, or the Conflict's message."""
    pool = ConnectionPool(database_url, min_size=len(calls), max_size=len(calls), open=True,
                          kwargs=CONNECTION_SETTINGS)
    # Racers queue behind the winner's row lock: on a loaded machine that wait passed the
    # production lock timeout (2 s) once, and a racer failed as "busy" instead of "taken".
    # What is tested is who wins, so the racers wait as long as it takes.
    data = PostgresData(pool, statement_timeout_ms=60_000, lock_timeout_ms=60_000)
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)
    identities = {who: identity(database_url, who) for who, _, _ in calls}

    def run(n, who, function, args):
        start.wait()
        try:
            outcomes[n] = data.call_as_client(identities[who], function, **args)
        except Conflict as error:
            outcomes[n] = error.message

    threads = [threading.Thread(target=run, args=(n, *call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool.close()
    return outcomes


def first_slots(database_url, slug, email, count):
    """The first free times of tomorrow (business date), as the client is offered them."""
    claims = json.dumps(signed_in(database_url, email))
    with psycopg.connect(database_url) as conn:
        conn.execute("select set_config('role', 'authenticated', true),"
                     " set_config('request.jwt.claims', %s, true)", (claims,))
        offer = conn.execute("select public.available_slots(%s, private.business_today() + 1, 1)",
                             (slug,)).fetchone()[0]
    return [slot["starts_at"] for slot in offer["days"][0]["slots"][:count]]


def confirmed(database_url, slug):
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select b.id, b.client_id::text, b.starts_at,"
            "       (select count(*) from public.outbox o"
            "         where o.dedupe_key = 'booking_confirmation:' || b.id),"
            "       (select count(*) from public.activity a"
            "         where a.subject_id = b.id and a.kind = 'booking_made')"
            "  from public.bookings b join public.booking_links l on l.id = b.booking_link_id"
            " where l.slug = %s and b.status = 'confirmed'", (slug,)).fetchall()


def test_of_fifty_clients_booking_one_slot_exactly_one_wins(database_url, make_client, make_link):
    slug = make_link()
    clients = [make_client(f"Racer {n}") for n in range(RACERS)]
    [slot] = first_slots(database_url, slug, clients[0][0], 1)

    outcomes = race(database_url, [(email, "book_slot", {"p_link_slug": slug, "p_starts_at": slot})
                                   for email, _ in clients])

    winners = [o for o in outcomes if isinstance(o, dict)]
    assert len(winners) == 1
    assert [o for o in outcomes if not isinstance(o, dict)] == [TAKEN] * (RACERS - 1)
    [(booking_id, client_id, _, emails, history)] = confirmed(database_url, slug)
    assert str(booking_id) == winners[0]["id"]
    assert client_id == clients[outcomes.index(winners[0])][1]
    assert (emails, history) == (1, 1), "only the winner's email and history entry remain"


def test_overlapping_times_race_too_buffer_included(database_url, make_client, make_link):
    """09:00 and 09:30 overlap through the 15-minute buffer: of 40 clients asking for either,
    exactly one gets an appointment."""
    slug = make_link(duration=30, buffer=15)
    clients = [make_client(f"Racer {n}") for n in range(40)]
    first, second = first_slots(database_url, slug, clients[0][0], 2)

    outcomes = race(database_url, [
        (email, "book_slot", {"p_link_slug": slug, "p_starts_at": first if n % 2 else second})
        for n, (email, _) in enumerate(clients)])

    assert sum(isinstance(o, dict) for o in outcomes) == 1
    assert outcomes.count(TAKEN) == 39
    assert len(confirmed(database_url, slug)) == 1


def test_one_client_in_ten_tabs_books_once(database_url, make_client, make_link):
    slug = make_link()
    email, _ = make_client()
    [slot] = first_slots(database_url, slug, email, 1)

    outcomes = race(database_url, [(email, "book_slot", {"p_link_slug": slug, "p_starts_at": slot})] * 10)

    assert sum(isinstance(o, dict) for o in outcomes) == 1
    assert outcomes.count("You have already booked this time.") == 9
    assert len(confirmed(database_url, slug)) == 1


def test_cancelling_twice_at_once_cancels_once(database_url, make_client, make_link):
    slug = make_link()
    email, _ = make_client()
    [slot] = first_slots(database_url, slug, email, 1)
    [booking] = race(database_url, [(email, "book_slot", {"p_link_slug": slug, "p_starts_at": slot})])

    outcomes = race(database_url, [(email, "cancel_booking", {"p_booking_id": booking["id"]})] * 10)

    assert sum(isinstance(o, dict) and o["status"] == "cancelled" for o in outcomes) == 1
    assert outcomes.count("This appointment was already cancelled.") == 9
    with psycopg.connect(database_url) as conn:
        cancellations, emails = conn.execute(
            "select (select count(*) from public.activity"
            "         where subject_id = %(id)s and kind = 'booking_cancelled'),"
            "       (select count(*) from public.outbox"
            "         where dedupe_key = 'booking_cancellation:' || %(id)s)",
            {"id": booking["id"]}).fetchone()
    assert (cancellations, emails) == (1, 1)
