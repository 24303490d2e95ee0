"""Server-side time of each portal page's statements (issue 12): median over 200 calls, one
connection, as the client (role authenticated, its verified claims set, as the app sets them),
each call in its own transaction, rolled back (so record_document_view and the session touch
leave the data set as it was). Uses bench_rls.py's data set; signs in 20 clients through the
sign-in functions (bench_pages.session_cookies).

    .venv/bin/python bench/sqltime.py [--database-url URL]
    .venv/bin/python bench/sqltime.py --snapshot out.json   # every page's JSON for 200 clients
    .venv/bin/python bench/sqltime.py --compare out.json    # the same, compared with a snapshot
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psycopg  # noqa: E402
from flask.sessions import SecureCookieSessionInterface  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import jwt_tokens  # noqa: E402
from app.data.postgres import KEPT_PAGE_CALL  # noqa: E402
from bench.bench_pages import DOCUMENTS, HEAVY, JWT_SECRET, SECRET_KEY, session_cookies  # noqa: E402

# Each page's statements after the session check, as the app sends them for a page it renders
# (its condition, the setting off, as the session check leaves it when the page's version moved).
CHECKED = KEPT_PAGE_CALL.removeprefix("select {}")
PAGES = {
    "dashboard": [("select public.portal_dashboard()" + CHECKED, 0)],
    "invoices all": [("select public.portal_invoices(p_status=>'all')" + CHECKED, 0)],
    "quotes all": [("select public.portal_quotes(p_status=>'all')" + CHECKED, 0)],
    "an invoice": [("select public.portal_invoice(p_invoice_id=>%s)" + CHECKED, 1),
                   ("select public.record_document_view(p_document_type=>'invoice', p_document_id=>%s)"
                    + CHECKED, 1)],
    "a quote": [("select public.portal_quote(p_quote_id=>%s)" + CHECKED, 2),
                ("select public.record_document_view(p_document_type=>'quote', p_document_id=>%s)"
                 + CHECKED, 2)],
}
# What --snapshot/--compare read for each client: every filter and a second page too.
SHAPES = [
    ("select public.portal_dashboard()", None),
    *[(f"select public.portal_invoices(p_status=>'{s}', p_page=>{p}, p_page_size=>{n})", None)
      for s in ("all", "paid", "unpaid", "overdue") for p, n in ((1, 20), (2, 5))],
    *[(f"select public.portal_quotes(p_status=>'{s}', p_page=>{p}, p_page_size=>{n})", None)
      for s in ("all", "pending", "accepted", "rejected", "expired") for p, n in ((1, 20), (2, 3))],
    ("select public.portal_invoice(p_invoice_id=>%s)", 1),
    ("select public.portal_quote(p_quote_id=>%s)", 2),
    ("select public.record_document_view(p_document_type=>'invoice', p_document_id=>%s)", 1),
    ("select public.record_document_view(p_document_type=>'quote', p_document_id=>%s)", 2),
    ("select public.portal_activity()", None),
    ("select count(*) from public.invoices", None),
    ("select count(*) from public.quotes", None),
    ("select count(*) from public.activity", None),
    ("select count(*) from public.payments", None),
    ("select count(*) from public.invoice_items", None),
]


def sign_in(url: str, emails: list[str]) -> list[dict]:
    app = create_app({"SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "JWT_SECRET": JWT_SECRET})
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return [jwt_tokens.verify_access_token(
        JWT_SECRET, serializer.loads(cookie.split("=", 1)[1])["auth"]["access_token"])
        for cookie in session_cookies(url, emails)]


def as_client(conn, claims):
    conn.execute("begin")
    conn.execute("select set_config('role','authenticated',true), set_config('request.jwt.claims',%s,true)",
                 (json.dumps(claims),))


def timing(url: str, n: int) -> None:
    with psycopg.connect(url) as c:
        emails = [r[0] for r in c.execute(
            "select email from public.clients where portal_access order by id limit 20")]
        docs = [c.execute(DOCUMENTS, (e,)).fetchone() for e in emails]
        heavy = c.execute(HEAVY).fetchone()[0]
        heavy_docs = c.execute(DOCUMENTS, (heavy,)).fetchone()
    claims = sign_in(url, emails + [heavy])
    heavy_claims = claims.pop()
    conn = psycopg.connect(url, autocommit=True)

    def timeit(label, statement, param=0, who=None):
        ts = []
        # A document page opens each client's own document: only clients that have one.
        ks = [k for k in range(20) if not param or docs[k][param - 1]]
        for i in range(n):
            k = ks[i % len(ks)]
            doc = (None, *(docs[k] if who is None else heavy_docs))[param]
            as_client(conn, claims[k] if who is None else who)
            t = time.perf_counter()
            conn.execute(statement, (doc,) if param else None).fetchall()
            ts.append(time.perf_counter() - t)
            conn.execute("rollback")
        ts.sort()
        ms = ts[len(ts) // 2] * 1000
        print(f"{label:<34}{ms:8.3f} ms median", flush=True)
        return ms

    timeit("select 1", "select 1")
    timeit("floor count", "select count(*) from public.invoices where status='sent'")
    timeit("current_client_id", "select private.current_client_id()")
    timeit("touch_current_session", "select private.touch_current_session(86400, now())")
    # A page's session check, which also reads the page's version (a kept page's round trip is
    # this and nothing else).
    touch = timeit("touch_current_session_for_page",
                   "select private.touch_current_session_for_page(86400, now(), null)")
    totals = {}
    for label, statements in PAGES.items():
        totals[label] = touch + sum(timeit(f"{label}: {statement.split('(')[0][14:]}", statement, param)
                                    for statement, param in statements)
    for label in ("dashboard", "invoices all", "quotes all", "an invoice"):
        timeit("heavy: " + label, *PAGES[label][0], heavy_claims)
    print("page totals (session check included):")
    for label, ms in totals.items():
        print(f"  {label:<32}{ms:8.3f} ms")
    # PL/pgSQL plans a statement anew for each of its first five calls in a connection (custom
    # plans) before it keeps a generic one: a plan that costs too much there (e.g. one that sets
    # off JIT compilation) hurts every new pooled connection and hides from the medians above.
    print("a new connection, slowest of its first five calls (its first call loads the catalog"
          " and plans: tens of ms; a costly custom plan shows as hundreds):")
    for label, statements in PAGES.items():
        for statement, param in statements:
            k = next(k for k in range(20) if not param or docs[k][param - 1])
            with psycopg.connect(url, autocommit=True) as fresh:
                slowest = 0.0
                for _ in range(5):
                    as_client(fresh, claims[k])
                    t = time.perf_counter()
                    fresh.execute(statement, (docs[k][param - 1],) if param else None).fetchall()
                    slowest = max(slowest, time.perf_counter() - t)
                    fresh.execute("rollback")
            print(f"  {label + ': ' + statement.split('(')[0][14:]:<45}{slowest * 1000:8.3f} ms", flush=True)


def shapes(url: str, clients: int) -> dict:
    """Every page's JSON for `clients` clients (the heavy one included), in one transaction per
    client that is rolled back."""
    with psycopg.connect(url) as c:
        emails = [r[0] for r in c.execute(
            "select email from public.clients where portal_access order by id limit %s", (clients,))]
        emails.append(c.execute(HEAVY).fetchone()[0])
        docs = [c.execute(DOCUMENTS, (e,)).fetchone() for e in emails]
    claims = sign_in(url, emails)
    conn = psycopg.connect(url, autocommit=True)
    out = {}
    for email, claim, doc in zip(emails, claims, docs, strict=True):
        results = []
        for statement, param in SHAPES:
            if param and doc[param - 1] is None:
                continue
            as_client(conn, claim)
            try:
                row = conn.execute(statement, (doc[param - 1],) if param else None).fetchone()
                results.append([statement, row[0]])
            except psycopg.Error as error:
                results.append([statement, f"error {error.sqlstate}: {error}"])
            conn.execute("rollback")
        out[email] = results
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/portal_bench")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--snapshot")
    parser.add_argument("--compare")
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()
    if args.snapshot:
        with open(args.snapshot, "w") as handle:
            json.dump(shapes(args.database_url, args.clients), handle, sort_keys=True)
    elif args.compare:
        with open(args.compare) as handle:
            before = json.load(handle)
        now = json.loads(json.dumps(shapes(args.database_url, args.clients), sort_keys=True))
        differ = [(email, a[0]) for email in before for a, b in zip(before[email], now[email], strict=True)
                  if a != b]
        print(f"{len(before)} clients, {sum(len(v) for v in before.values())} results, "
              f"{len(differ)} differ")
        for email, statement in differ[:20]:
            print("  differs:", email, statement)
        sys.exit(1 if differ else 0)
    else:
        timing(args.database_url, args.calls)


if __name__ == "__main__":
    main()
