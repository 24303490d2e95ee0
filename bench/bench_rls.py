"""What row-level security costs the portal's hottest reads.

Generates a data set (default 10,000 clients, 200,000 invoices with 5 items each, 50,000 quotes
with items, their payments and activity), then times portal_dashboard() and
portal_invoices('overdue') called as a client exactly as the app calls them (one transaction:
role `authenticated` and the JWT claims, then the call) against the same queries run by the table
owner, for whom RLS does not apply, with the client id given explicitly. Prints median, p95,
their ratios and the targets.

    .venv/bin/python bench/bench_rls.py [--database-url URL] [--keep] [--samples 500] [--explain]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

try:
    import psycopg
    from psycopg import sql
    from psycopg.rows import namedtuple_row
except ImportError:
    sys.exit("psycopg 3 is missing: pip install 'psycopg[binary]==3.3.9'")

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "portal_bench"
P95_TARGET_MS, RATIO_TARGET = 5.0, 1.5

# What app/data/postgres.py sends for every client call (PostgREST does the same).
SET_IDENTITY = "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"

# Generation, in order. Each step is one statement (or one transaction), all set-based. Row
# triggers are bypassed (session_replication_role = replica) where they would either stamp the
# same now() on a year and a half of history or, for payments, update the invoice once per row;
# the columns they maintain are then filled in set-based, exactly as the triggers would. The
# items' totals triggers run as they are: they work per statement.
GENERATE = [
    ("clients", """
create temp table bench_clients as
select n, gen_random_uuid() as id from generate_series(0, %(clients)s - 1) n;
create index on bench_clients (n);
insert into public.clients (id, name, email, portal_access, created_at)
select id, 'Client ' || n, format('client%%s@bench.test', n), true, now() - interval '2 years'
  from bench_clients;
"""),
    # Skewed like real books: client n gets a share ~ 1/sqrt(n) (a few have hundreds of
    # invoices, the median about 14). Issue dates span 18 months, so the due dates of the
    # unpaid ones fall on both sides of today.
    ("invoices", """
set local session_replication_role = replica;
insert into public.invoices (client_id, number, status, issue_date, due_date, currency,
                             sent_at, created_at)
select c.id, 'INV-' || lpad(g.n::text, 7, '0'), g.status, g.issue, g.issue + g.terms, g.currency,
       case when g.status <> 'draft' then g.issue + time '09:00' end, g.issue + time '08:00'
  from (select n, s.status,
               floor(%(clients)s * random() ^ 2)::int as client_n,
               current_date - case when s.status = 'draft' then floor(random() * 10)::int
                                   else floor(random() * 540)::int end as issue,
               (array[14, 30, 30, 30, 45, 60])[1 + floor(random() * 6)::int] as terms,
               case when random() < 0.2 then 'EUR' else 'USD' end as currency
          from generate_series(1, %(invoices)s) n,
               lateral (select case when random() < 0.08 then 'draft'
                                    when random() < 0.06 then 'void'
                                    else 'sent' end::public.invoice_status as status
                         where n > 0) s) g
  join bench_clients c on c.n = g.client_n
 order by g.issue;
"""),
    ("invoice items", """
insert into public.invoice_items (invoice_id, position, description, quantity, unit_price,
                                  tax_rate)
select i.id, k, 'Service line ' || k, 1 + floor(random() * 4),
       (50 + floor(random() * 2000))::bigint * 100, (array[0, 0, 10, 20])[1 + k %% 4]
  from public.invoices i, generate_series(1, %(items)s) k;
"""),
    # Older invoices are mostly paid; recent ones mostly not yet: some paid, some partly
    # paid, the rest unpaid or (past their due date) overdue.
    ("payments", """
set local session_replication_role = replica;
insert into public.payments (invoice_id, client_id, amount, currency, status, paid_at,
                             created_at, receipt_number)
select s.id, s.client_id, greatest(1, round(s.total * s.share))::bigint, s.currency,
       'succeeded', s.pay_at, s.pay_at,
       'R-' || lpad(nextval('public.payment_receipt_numbers')::text, 6, '0')
  from (select i.*,
               case when r < case when i.due_date < current_date then 0.80 else 0.30 end
                    then 1.0
                    when r < case when i.due_date < current_date then 0.88 else 0.40 end
                    then 0.2 + 0.6 * random() end as share,
               least(now(), i.issue_date + floor(random() * (i.due_date - i.issue_date + 20))::int
                            + time '14:00') as pay_at
          from (select i.*, random() as r from public.invoices i
                 where i.status = 'sent' and i.total > 0) i) s
 where s.share is not null
 order by s.pay_at;
update public.invoices i
   set amount_paid = p.paid, paid_at = p.last_paid
  from (select invoice_id, sum(amount - amount_refunded) as paid, max(paid_at) as last_paid
          from public.payments
         where status in ('succeeded', 'partially_refunded', 'refunded')
         group by invoice_id) p
 where i.id = p.invoice_id;
"""),
    ("quotes", """
set local session_replication_role = replica;
insert into public.quotes (client_id, number, status, issue_date, valid_until, sent_at,
                           accepted_at, accepted_by, rejected_at, rejection_reason)
select c.id, 'Q-' || lpad(g.n::text, 7, '0'), g.status, g.issue, g.issue + 30,
       case when g.status <> 'draft' then g.issue + time '10:00' end,
       case when g.status = 'accepted' then g.issue + 3 + time '11:00' end,
       case when g.status = 'accepted' then 'Bench Signer' end,
       case when g.status = 'rejected' then g.issue + 4 + time '11:00' end,
       case when g.status = 'rejected' then 'Over budget' end
  from (select n, floor(%(clients)s * random() ^ 2)::int as client_n,
               current_date - floor(random() * 400)::int as issue,
               (array['draft', 'sent', 'sent', 'sent', 'sent', 'accepted', 'accepted',
                      'accepted', 'rejected', 'expired'])[1 + floor(random() * 10)::int]
                 ::public.quote_status as status
          from generate_series(1, %(quotes)s) n) g
  join bench_clients c on c.n = g.client_n
 order by g.issue;
"""),
    ("quote items", """
insert into public.quote_items (quote_id, position, description, quantity, unit_price)
select q.id, k, 'Proposal part ' || k, 1 + k %% 2, (100 + floor(random() * 5000))::bigint * 100
  from public.quotes q, generate_series(1, 3) k;
"""),
    # The tab counters the bypassed triggers would have kept (issue 12).
    ("tab counters", "select private.recount_client_documents();"),
    # The history the triggers would have written, at the time each thing happened.
    ("activity", """
insert into public.activity (client_id, kind, subject_type, subject_id, summary, details,
                             actor, at)
select client_id, kind, subject_type, subject_id, summary, details, actor, at
  from (select i.client_id, 'invoice_sent'::public.activity_kind as kind,
               'invoice' as subject_type, i.id as subject_id,
               format('Invoice %%s was sent', i.number) as summary, '{}'::jsonb as details,
               'admin' as actor, i.sent_at as at
          from public.invoices i where i.sent_at is not null
        union all
        select i.client_id, 'invoice_viewed', 'invoice', i.id,
               format('Invoice %%s was viewed for the first time', i.number), '{}', 'client',
               i.sent_at + interval '5 hours'
          from public.invoices i where i.sent_at is not null and random() < 0.5
        union all
        select p.client_id, 'payment_received', 'invoice', p.invoice_id,
               format('Payment received for invoice %%s', i.number),
               jsonb_build_object('payment_id', p.id, 'amount', p.amount,
                                  'currency', p.currency), 'system', p.paid_at
          from public.payments p join public.invoices i on i.id = p.invoice_id
        union all
        select q.client_id,
               case q.status when 'accepted' then 'quote_accepted'
                             when 'rejected' then 'quote_rejected'
                             else 'quote_sent' end::public.activity_kind,
               'quote', q.id, format('Quote %%s was %%s', q.number, q.status), '{}',
               case when q.status in ('accepted', 'rejected') then 'client' else 'admin' end,
               coalesce(q.accepted_at, q.rejected_at, q.sent_at)
          from public.quotes q where q.sent_at is not null) a
 order by at;
"""),
]

DATA_TABLES = ["public.clients", "public.invoices", "public.invoice_items", "public.payments",
               "public.quotes", "public.quote_items", "public.activity"]

# The app's calls, named arguments as PostgREST passes them.
CLIENT_DASHBOARD = "select public.portal_dashboard()"
CLIENT_OVERDUE = "select public.portal_invoices(p_status => 'overdue')"

# The owner's equivalents: the functions' queries with the client id given, plus the
# visibility that RLS adds for a client (no drafts, nothing archived). The one-row subquery
# (kept apart by `offset 0`) plays the functions' variables, so `me` and `today` are
# parameters of every sub-select, as they are inside the plpgsql functions.
OWNER_DASHBOARD = """
select jsonb_build_object(
  'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email)
               from public.clients c where c.id = v.me),
  'outstanding', coalesce((
    select jsonb_agg(jsonb_build_object(
             'currency', o.currency, 'amount_due', o.amount_due, 'overdue', o.overdue,
             'invoices', o.invoices) order by o.currency)
      from (select i.currency,
                   sum(i.amount_due) as amount_due,
                   coalesce(sum(i.amount_due) filter (where i.due_date < v.today), 0) as overdue,
                   count(*) as invoices
              from public.invoices i
             where i.client_id = v.me and i.status = 'sent' and i.amount_due > 0
               and not i.archived
             group by i.currency) o), '[]'::jsonb),
  'invoices', coalesce((
    select jsonb_agg(private.invoice_summary(l.inv, v.today)
                     order by l.issue_date desc, l.number desc)
      from (select i as inv, i.issue_date, i.number
              from public.invoices i
             where i.client_id = v.me and i.status <> 'draft' and not i.archived
             order by i.issue_date desc, i.number desc
             limit 5) l), '[]'::jsonb),
  'quotes', coalesce((
    select jsonb_agg(private.quote_summary(l.quote, v.today)
                     order by l.issue_date desc, l.number desc)
      from (select q as quote, q.issue_date, q.number
              from public.quotes q
             where q.client_id = v.me and q.status <> 'draft' and not q.archived
             order by q.issue_date desc, q.number desc
             limit 5) l), '[]'::jsonb),
  'activity', coalesce((
    select jsonb_agg(jsonb_build_object(
             'id', a.id, 'kind', a.kind, 'summary', a.summary, 'subject_type', a.subject_type,
             'subject_id', a.subject_id, 'details', a.details, 'at', a.at)
             order by a.at desc, a.id desc)
      from (select * from public.activity a
             where a.client_id = v.me
               -- The client's feed: no first views (they are for the business), no history of
               -- a document the client cannot see (the policies' visibility, spelt out).
               and a.kind not in ('invoice_viewed', 'quote_viewed')
               and case a.subject_type
                     when 'invoice' then exists (
                       select from public.invoices i where i.id = a.subject_id
                          and i.client_id = v.me and i.status <> 'draft' and not i.archived)
                     when 'quote' then exists (
                       select from public.quotes q where q.id = a.subject_id
                          and q.client_id = v.me and q.status <> 'draft' and not q.archived)
                     when 'payment' then exists (
                       select from public.payments p join public.invoices i on i.id = p.invoice_id
                        where p.id = a.subject_id and p.client_id = v.me
                          and i.client_id = v.me and i.status <> 'draft' and not i.archived)
                     else true
                   end
             order by a.at desc, a.id desc
             limit 10) a), '[]'::jsonb))
from (select %(client_id)s::uuid as me, private.business_today() as today offset 0) v
"""

OWNER_OVERDUE = """
with v as (
  select %(client_id)s::uuid as me, private.business_today() as today, 'overdue' as status,
         1 as page, 20 as page_size
), mine as (
  select i as inv,
         i.issue_date,
         i.number,
         i.status = 'sent' and i.amount_due = 0 as is_paid,
         i.status = 'sent' and i.amount_due > 0 as is_unpaid,
         i.status = 'sent' and i.amount_due > 0 and i.due_date < v.today as is_overdue
    from v, public.invoices i
   where i.client_id = v.me and i.status <> 'draft' and not i.archived
)
select jsonb_build_object(
  'status', v.status,
  'page', v.page,
  'page_size', v.page_size,
  'counts', (select jsonb_build_object(
               'all', count(*),
               'paid', count(*) filter (where m.is_paid),
               'unpaid', count(*) filter (where m.is_unpaid),
               'overdue', count(*) filter (where m.is_overdue))
             from mine m),
  'invoices', coalesce((
    select jsonb_agg(private.invoice_summary(p.inv, v.today)
                     order by p.issue_date desc, p.number desc)
      from (select m.inv, m.issue_date, m.number
              from mine m
             where m.is_overdue
             order by m.issue_date desc, m.number desc
             limit v.page_size offset (v.page - 1) * v.page_size) p), '[]'::jsonb))
from v
"""

QUERIES = [("portal_dashboard()", CLIENT_DASHBOARD, OWNER_DASHBOARD),
           ("portal_invoices('overdue')", CLIENT_OVERDUE, OWNER_OVERDUE)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="its benchmark data is regenerated unless --keep;"
                        f" default: a fresh database {DEFAULT_DATABASE!r} on 127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the data set when it is already there with these sizes")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--items-per-invoice", type=int, default=5)
    parser.add_argument("--quotes", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=500, help="random clients timed")
    parser.add_argument("--explain", action="store_true",
                        help="also print EXPLAIN (ANALYZE, BUFFERS) totals for one client")
    return parser.parse_args()


# Set-up ------------------------------------------------------------------------------------


def database_url(args: argparse.Namespace) -> str:
    """The given URL, or portal_bench on the local server (recreated unless --keep)."""
    if args.database_url:
        return args.database_url
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        exists = conn.execute("select exists (select from pg_database where datname = %s)",
                              (DEFAULT_DATABASE,)).fetchone()[0]
        if exists and not args.keep:
            # No `with (force)`: a session still using the data set (bench_pages.py) is not
            # cut off; the benchmark stops instead.
            try:
                conn.execute(sql.SQL("drop database {}").format(sql.Identifier(DEFAULT_DATABASE)))
            except psycopg.errors.ObjectInUse:
                sys.exit(f"{DEFAULT_DATABASE} is in use; close its sessions or pass --keep")
        if not exists or not args.keep:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(DEFAULT_DATABASE)))
    return psycopg.conninfo.make_conninfo(SERVER_URL, dbname=DEFAULT_DATABASE)


def migrate(url: str) -> None:
    try:
        from app.db.migrate import migrate as run_migrations
    except ImportError:
        run_migrations = apply_sql_files
    run_migrations(url)


def apply_sql_files(url: str) -> None:
    """Until app.db.migrate exists: the files in /tmp/apply.sh's order, versions recorded the
    way the Supabase CLI (and later the runner) records them, so a second run skips them."""
    def key(path: Path) -> tuple[bool, str]:
        return not path.name.startswith("private."), path.name

    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute((ROOT / "sql/compat/supabase_compat.sql").read_text())
            conn.execute("create schema if not exists supabase_migrations;"
                         " create table if not exists supabase_migrations.schema_migrations"
                         " (version text primary key, statements text[], name text)")
        done = {row[0] for row in
                conn.execute("select version from supabase_migrations.schema_migrations")}
        for path in sorted((ROOT / "supabase/migrations").glob("*.sql")):
            version, _, name = path.stem.partition("_")
            if version in done:
                continue
            text = path.read_text()
            with conn.transaction():
                conn.execute(text)
                conn.execute("insert into supabase_migrations.schema_migrations"
                             " values (%s, %s, %s)", (version, [text], name))
        repeatable = sorted((ROOT / "functions").glob("*.sql"), key=key)
        for path in repeatable + sorted((ROOT / "sql/policies").glob("*.sql")):
            conn.execute(path.read_text())


def table_counts(conn) -> dict[str, int]:
    selects = ", ".join(f"(select count(*) from {table})" for table in DATA_TABLES)
    return dict(zip(DATA_TABLES, conn.execute(f"select {selects}").fetchone(), strict=True))


def ensure_data(url: str, args: argparse.Namespace) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        counts = table_counts(conn)
        wanted = {"public.clients": args.clients, "public.invoices": args.invoices,
                  "public.invoice_items": args.invoices * args.items_per_invoice,
                  "public.quotes": args.quotes}
        if args.keep and all(counts[table] == n for table, n in wanted.items()):
            print("data: reused")
            return
        # A --database-url pointing at real data must not be wiped by a benchmark.
        if conn.execute("select exists (select from public.clients"
                        " where email not like '%@bench.test')").fetchone()[0]:
            sys.exit("refusing to replace data that this benchmark did not generate")
        conn.execute("truncate public.clients restart identity cascade")
        generate(conn, args)


def generate(conn, args: argparse.Namespace) -> None:
    sizes = {"clients": args.clients, "invoices": args.invoices,
             "items": args.items_per_invoice, "quotes": args.quotes}
    # Same sizes, same data (up to the uuids), so runs compare.
    conn.execute("select setseed(0.42)")
    started = time.perf_counter()
    steps = []
    for name, statements in GENERATE:
        step_started = time.perf_counter()
        with conn.transaction():
            conn.execute(statements % sizes)
        steps.append(f"{name} {time.perf_counter() - step_started:.1f}")
    conn.execute("drop table bench_clients")
    step_started = time.perf_counter()
    conn.execute("vacuum (analyze)")
    steps.append(f"vacuum analyze {time.perf_counter() - step_started:.1f}")
    print(f"generated in {time.perf_counter() - started:.1f} s ({', '.join(steps)} s)")


def describe(conn) -> None:
    counts = table_counts(conn)
    print("data: " + ", ".join(f"{n:,} {table.split('.')[1]}" for table, n in counts.items()))
    print("invoices: {:,} draft, {:,} void, {:,} sent: {:,} paid, {:,} partly paid, {:,} unpaid;"
          " {:,} of those due are overdue".format(*conn.execute("""
        select count(*) filter (where status = 'draft'), count(*) filter (where status = 'void'),
               count(*) filter (where status = 'sent'),
               count(*) filter (where status = 'sent' and amount_due = 0),
               count(*) filter (where status = 'sent' and amount_due > 0 and amount_paid > 0),
               count(*) filter (where status = 'sent' and amount_due > 0 and amount_paid = 0),
               count(*) filter (where status = 'sent' and amount_due > 0
                                  and due_date < private.business_today())
          from public.invoices""").fetchone()))
    print("invoices per client: min {}, median {}, p95 {}, max {}".format(*conn.execute("""
        select min(n), percentile_disc(0.5) within group (order by n),
               percentile_disc(0.95) within group (order by n), max(n)
          from (select count(i.id) as n from public.clients c
                  left join public.invoices i on i.client_id = c.id group by c.id) t""")
        .fetchone()))


# Measuring ---------------------------------------------------------------------------------


# The claims of each sampled client's portal session (amr otp, a live session): identity needs
# both, as a signed-in client's requests have them (functions/private.current_client_id.sql).
SESSION_CLAIMS: dict = {}


def open_sessions(conn, clients: list[tuple]) -> None:
    for client in clients:
        session_id = conn.execute(
            "insert into private.sessions (client_id, contact_id, expires_at, user_agent)"
            " select k.client_id, k.id, now() + interval '1 day', 'bench_rls' from public.contacts k"
            " where k.client_id = %s and k.role = 'owner' returning id::text",
            (client.id,)).fetchone()[0]
        SESSION_CLAIMS[client.email] = json.dumps({
            "sub": str(client.id), "email": client.email, "role": "authenticated",
            "amr": [{"method": "otp", "timestamp": int(time.time())}], "session_id": session_id})


def claims_for(email: str) -> str:
    return SESSION_CLAIMS[email]


def call_as_client(conn, query: str, client: tuple) -> object:
    with conn.transaction():
        conn.execute(SET_IDENTITY, ("authenticated", claims_for(client.email)))
        return conn.execute(query).fetchone()[0]


def call_as_owner(conn, query: str, client: tuple) -> object:
    # In a transaction too, so both sides pay the same BEGIN/COMMIT round trips.
    with conn.transaction():
        return conn.execute(query, {"client_id": client.id}).fetchone()[0]


def check_same_answers(conn, clients: list[tuple]) -> None:
    """The baseline only means something if the owner's SQL answers exactly what the client gets."""
    for name, client_query, owner_query in QUERIES:
        for client in clients:
            as_client = call_as_client(conn, client_query, client)
            # An unrecognised client would differ too: its answers are empty.
            if as_client != call_as_owner(conn, owner_query, client):
                sys.exit(f"{name}: the owner's SQL answers differently for {client.email}")
    print(f"owner SQL checked: same JSON as the client calls for {len(clients)} clients")


def timed(call, conn, query: str, client: tuple) -> float:
    started = time.perf_counter()
    call(conn, query, client)
    return (time.perf_counter() - started) * 1000


def measure(conn, client_query: str, owner_query: str, sample: list[tuple]) -> tuple:
    for client in sample[:100]:  # warm-up: caches, prepared statements, plpgsql plans
        call_as_client(conn, client_query, client)
        call_as_owner(conn, owner_query, client)
    client_ms, owner_ms = [], []
    # Interleaved, so background load on the machine hits both sides alike.
    for client in sample:
        client_ms.append(timed(call_as_client, conn, client_query, client))
        owner_ms.append(timed(call_as_owner, conn, owner_query, client))
    return client_ms, owner_ms


def identity_cost(conn, sample: list[tuple]) -> float:
    """Median cost of the identity statement alone, round trip included: the share of the client
    figures that is the calling convention rather than RLS."""
    def identity_only(conn, _query, client):
        with conn.transaction():
            conn.execute(SET_IDENTITY, ("authenticated", claims_for(client.email)))

    def empty(conn, _query, _client):
        with conn.transaction():
            pass

    with_identity, without = [], []
    for client in sample:
        with_identity.append(timed(identity_only, conn, "", client))
        without.append(timed(empty, conn, "", client))
    return statistics.median(with_identity) - statistics.median(without)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def report(results: dict[str, tuple]) -> None:
    print(f"\n{'query':<28}{'side':<24}{'median ms':>10}{'p95 ms':>10}")
    verdicts = []
    for name, (client_ms, owner_ms) in results.items():
        figures = {"client (RLS)": client_ms, "owner (no RLS)": owner_ms}
        for side, values in figures.items():
            label = name if side.startswith("client") else ""
            print(f"{label:<28}{side:<24}{statistics.median(values):>10.2f}{p95(values):>10.2f}")
        ratios = (statistics.median(client_ms) / statistics.median(owner_ms),
                  p95(client_ms) / p95(owner_ms))
        print(f"{'':<28}{'ratio client/owner':<24}{ratios[0]:>10.2f}{ratios[1]:>10.2f}")
        verdicts.append((name, p95(client_ms), ratios))
    print(f"\ntargets: client p95 < {P95_TARGET_MS:g} ms; ratio client/owner < {RATIO_TARGET:g}"
          " (median and p95)")
    for name, client_p95, ratios in verdicts:
        p95_verdict = "PASS" if client_p95 < P95_TARGET_MS else "MISS"
        ratio_verdict = "PASS" if max(ratios) < RATIO_TARGET else "MISS"
        print(f"  {p95_verdict} {name} p95 {client_p95:.2f} ms")
        print(f"  {ratio_verdict} {name} ratio {ratios[0]:.2f} / {ratios[1]:.2f}")


def explain(conn, client: tuple) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) for {client.email} ({client.invoices} invoices):")
    print(f"  {'query':<28}{'side':<16}{'planning ms':>12}{'execution ms':>14}{'buffers':>9}")
    for name, client_query, owner_query in QUERIES:
        for side, query in (("client (RLS)", client_query), ("owner", owner_query)):
            params = None
            with conn.transaction():
                if side.startswith("client"):
                    conn.execute(SET_IDENTITY, ("authenticated", claims_for(client.email)))
                else:
                    params = {"client_id": client.id}
                plan = conn.execute("explain (analyze, buffers, format json) " + query,
                                    params).fetchone()[0][0]
            # Buffers of the top node include those the function's own queries touched.
            buffers = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
            label = name if side.startswith("client") else ""
            print(f"  {label:<28}{side:<16}{plan['Planning Time']:>12.3f}"
                  f"{plan['Execution Time']:>14.3f}{buffers:>9}")


def main() -> None:
    args = parse_args()
    url = database_url(args)
    migrate(url)
    ensure_data(url, args)
    # One connection; every statement prepared server side from its first use, as a pooled
    # app connection ends up doing for its handful of statements.
    with psycopg.connect(url, autocommit=True, prepare_threshold=0) as conn:
        describe(conn)
        clients = conn.cursor(row_factory=namedtuple_row).execute("""
            select c.id, c.email, count(i.id) as invoices from public.clients c
              left join public.invoices i on i.client_id = c.id
             where c.portal_access and not c.archived group by c.id order by c.email""").fetchall()
        sample = random.Random(42).sample(clients, min(args.samples, len(clients)))
        heaviest = max(sample, key=lambda client: client.invoices)
        open_sessions(conn, sample)
        check_same_answers(conn, sample[:20] + [heaviest])
        print(f"timing {len(sample)} random clients (load average {os.getloadavg()[0]:.2f})")
        results = {name: measure(conn, client_query, owner_query, sample)
                   for name, client_query, owner_query in QUERIES}
        report(results)
        print(f"\nthe identity statement alone (set_config round trip) costs"
              f" {identity_cost(conn, sample):.2f} ms of each client figure (median)")
        if args.explain:
            explain(conn, heaviest)


if __name__ == "__main__":
    main()
