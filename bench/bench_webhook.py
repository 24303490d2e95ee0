"""Stripe webhook throughput: signed checkout.session.completed events, half of them duplicates
(as Stripe's retries produce), delivered concurrently to gunicorn on loopback. Prints events/s
and proves afterwards that every unique event made exactly one payment and no duplicate made
another. Uses the data set of bench_rls.py (database portal_bench).

    .venv/bin/python bench/bench_webhook.py [--events 2000] [--senders 8] [--workers 3 --threads 2]
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time

import httpx
import psycopg

from app import create_app
from app.db import cluster
from app.db.migrate import migrate
from app.dev.stripe_double import samples, signed_event
from app.payments import gateway

SECRET_KEY = "bench-" + "w" * 40


def unpaid_invoices(url: str, count: int) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select id::text, client_id::text, amount_due, currency from public.invoices"
            " where status = 'sent' and amount_due > 0 and not archived order by id limit %s",
            (count,)).fetchall()


def build_events(app, invoices, run: str) -> tuple[list[tuple[bytes, str]], set[str]]:
    """One signed event per invoice, then a duplicate of each (same event id), shuffled."""
    with app.app_context():
        secret, template = gateway.webhook_secret(app.config), samples()["checkout.session"]
        unique, intents = [], set()
        for n, (invoice_id, client_id, amount, currency) in enumerate(invoices):
            intent = f"pi_bench_{run}_{n}"
            intents.add(intent)
            session = {**template, "id": f"cs_test_bench_{run}_{n}", "payment_status": "paid",
                       "status": "complete", "amount_total": amount, "currency": currency.lower(),
                       "payment_intent": intent,
                       "metadata": {"invoice_id": invoice_id, "client_id": client_id},
                       "client_reference_id": invoice_id}
            unique.append(signed_event("checkout.session.completed", session, None, secret))
    deliveries = unique * 2
    random.Random(1).shuffle(deliveries)
    return deliveries, intents


def send_all(base: str, deliveries, senders: int) -> tuple[float, dict]:
    queue, lock, statuses = list(deliveries), threading.Lock(), {}

    def sender():
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    payload, header = queue.pop()
                status = client.post("/stripe/webhook", content=payload,
                                     headers={"Stripe-Signature": header}).status_code
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--events", type=int, default=2000, help="deliveries in all, half duplicates")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    url = args.database_url or cluster.with_database(cluster.resolve_server_url(), "portal_bench")
    migrate(url)
    invoices = unpaid_invoices(url, args.events // 2)
    if len(invoices) < args.events // 2:
        sys.exit("Run bench/bench_rls.py first: it generates the data set with enough unpaid invoices.")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    config = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "PORTAL_BASE_URL": base}
    deliveries, intents = build_events(create_app(config), invoices, run=str(int(time.time())))

    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "PORTAL_BASE_URL": base,
           "DATABASE_POOL_SIZE": str(args.threads)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads",
                               str(args.threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "app:create_app()"], env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        elapsed, statuses = send_all(base, deliveries, args.senders)
    finally:
        server.terminate()
        server.wait()

    with psycopg.connect(url) as conn:
        payments = conn.execute("select stripe_payment_intent_id, count(*) from public.payments"
                                " where stripe_payment_intent_id = any(%s) group by 1",
                                (list(intents),)).fetchall()
        emails = conn.execute("select count(*) from public.outbox o join public.payments p"
                              " on o.dedupe_key = 'payment_receipt:' || p.id"
                              " where p.stripe_payment_intent_id = any(%s)", (list(intents),)).fetchone()[0]
    duplicates = sum(1 for _, n in payments if n > 1)
    print(f"gunicorn: {args.workers} workers x {args.threads} threads; {args.senders} concurrent senders")
    print(f"deliveries: {len(deliveries)} ({len(intents)} unique events, each sent twice), "
          f"HTTP statuses: {statuses}")
    print(f"throughput: {len(deliveries) / elapsed:.0f} events/s ({elapsed:.1f} s)")
    print(f"payments: {len(payments)} of {len(intents)} expected, {duplicates} duplicated, "
          f"{len(intents) - len(payments)} missing; confirmation emails: {emails}")
    ok = len(deliveries) / elapsed >= 200 and not duplicates and len(payments) == len(intents) == emails
    print(f"target: >= 200 events/s with no duplicate and no missing payment: {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
