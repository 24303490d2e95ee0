"""What row-level security costs the portal's hottest reads.

Generates 10,000 clients, 200,000 invoices with 5 items each and 50,000 quotes, then times
portal_dashboard() and portal_invoices('overdue') called as a client exactly as the app calls
them (one transaction: role `authenticated`, the JWT claims, the call), against the same calls
made by the table owner, for whom RLS does not apply. Prints median, p95 and their ratios.

    .venv/bin/python bench/bench_rls.py [--database-url URL] [--keep] [--samples 500]
"""

import argparse
import json
import random
import statistics
import time

import psycopg

from app.db import cluster
from app.db.migrate import migrate

GENERATE = """
insert into public.clients (name, email, portal_access)
select 'Client ' || n, format('client%%s@bench.test', n), true from generate_series(1, %(clients)s) n;

insert into public.invoices (client_id, number, status, issue_date, due_date, currency)
select c.id, format('B-%%s', row_number() over ()),
       (array['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'draft', 'void'])
         [1 + (n %% 9)]::public.invoice_status,
       current_date - (n * 7 %% 400), current_date - (n * 7 %% 400) + 30,
       case when n %% 5 = 0 then 'EUR' else 'USD' end
  from public.clients c, generate_series(1, %(invoices_per_client)s) n;

insert into public.invoice_items (invoice_id, position, description, quantity, unit_price, tax_rate)
select i.id, n, 'Line ' || n, 1 + n %% 3, 1000 * n, (n %% 2) * 10
  from public.invoices i, generate_series(1, %(items)s) n;

insert into public.payments (invoice_id, amount, currency)
select i.id, case when hashtext(i.number) %% 2 = 0 then i.total else i.total / 2 end, i.currency
  from public.invoices i where i.status = 'sent' and i.total > 0 and (hashtext(i.number) %% 3) <> 0;

insert into public.quotes (client_id, number, status, issue_date, valid_until)
select c.id, format('BQ-%%s', row_number() over ()),
       (array['sent', 'draft'])[1 + (n %% 2)]::public.quote_status,
       current_date - n * 20, current_date - n * 20 + 30
  from public.clients c, generate_series(1, %(quotes_per_client)s) n;

insert into public.quote_items (quote_id, description, unit_price)
select q.id, 'Proposal', 50000 from public.quotes q;
"""

CALLS = {
    "portal_dashboard()": "select public.portal_dashboard()",
    "portal_invoices('overdue')": "select public.portal_invoices('overdue')",
}


def generate(url: str, clients: int, invoices: int, items: int, quotes: int) -> None:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in GENERATE.split(";\n"):
            if statement.strip():
                conn.execute(statement % {"clients": clients, "invoices_per_client": invoices // clients,
                                          "items": items, "quotes_per_client": quotes // clients})
        # Decisions go through the trigger that stamps them, as in real life.
        conn.execute("update public.quotes set status = 'accepted', accepted_by = 'Bench'"
                     " where status = 'draft' and hashtext(number) % 3 = 0")
        conn.execute("update public.quotes set status = 'rejected'"
                     " where status = 'draft' and hashtext(number) % 3 = 1")
        conn.execute("vacuum analyze")
    print(f"generated in {time.perf_counter() - started:.1f} s")


def time_calls(conn, query: str, emails: list[str], role: str | None) -> list[float]:
    timings = []
    for email in emails:
        claims = json.dumps({"email": email, "role": "authenticated", "aud": "authenticated"})
        started = time.perf_counter()
        with conn.transaction():
            if role:
                conn.execute("select set_config('role', %s, true),"
                             " set_config('request.jwt.claims', %s, true)", (role, claims))
            else:
                conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
            conn.execute(query).fetchone()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true", help="reuse the data set when present")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--items-per-invoice", type=int, default=5)
    parser.add_argument("--quotes", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()

    server = cluster.resolve_server_url()
    url = args.database_url or cluster.with_database(server, "portal_bench")
    if not args.database_url and not args.keep:
        cluster.drop_database(server, "portal_bench")
    if not args.database_url:
        cluster.ensure_database(server, "portal_bench")
    migrate(url)
    with psycopg.connect(url) as conn:
        present = conn.execute("select count(*) from public.clients").fetchone()[0]
    if not present:
        generate(url, args.clients, args.invoices, args.items_per_invoice, args.quotes)

    with psycopg.connect(url) as conn:
        counts = conn.execute(
            "select (select count(*) from public.clients), (select count(*) from public.invoices),"
            " (select count(*) from public.invoice_items), (select count(*) from public.quotes)").fetchone()
        emails = [r[0] for r in conn.execute("select email from public.clients")]
    print("data: {:,} clients, {:,} invoices, {:,} items, {:,} quotes".format(*counts))
    sample = random.Random(42).sample(emails, min(args.samples, len(emails)))

    print(f"\n{'call':<28}{'side':<22}{'median ms':>10}{'p95 ms':>10}")
    verdicts = []
    with psycopg.connect(url, prepare_threshold=0) as conn:
        for name, query in CALLS.items():
            for _ in range(2):  # warm-up: caches, plans
                time_calls(conn, query, sample[:50], "authenticated")
                time_calls(conn, query, sample[:50], None)
            client = time_calls(conn, query, sample, "authenticated")
            owner = time_calls(conn, query, sample, None)
            for side, values in (("client (RLS)", client), ("owner (no RLS)", owner)):
                print(f"{name:<28}{side:<22}{statistics.median(values):>10.2f}{p95(values):>10.2f}")
            ratio_median = statistics.median(client) / statistics.median(owner)
            ratio_p95 = p95(client) / p95(owner)
            print(f"{'':<28}{'ratio client/owner':<22}{ratio_median:>10.2f}{ratio_p95:>10.2f}")
            verdicts.append((name, p95(client), ratio_p95))

    print("\ntargets: p95 < 5 ms as a client; ratio < 1.5")
    for name, client_p95, ratio in verdicts:
        status = "PASS" if client_p95 < 5 and ratio < 1.5 else "MISS"
        print(f"  {status} {name}: p95 {client_p95:.2f} ms, ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
