"""Pages under load: every portal page as signed-in clients (and the heavy client's), served by
gunicorn on loopback and driven by wrk, against a static file of the same app and the floor
(bench/floor_app.py: one pooled RLS query behind the same cookie) in the same run, at 4 and 16
connections. Each page is measured in turns with the static file (ten runs of one second, each
right after one of the static file) and compared with those static runs: see in_turn.

The portal keeps the pages it rendered (app/page_cache.py); after each page's warm-up every
client's page is kept, so its rows are the steady state of pages read again unchanged. The
"(rendered)" rows are the same pages from a second portal that keeps none (PAGE_CACHE_SIZE=0):
read and rendered on every request, as a page is the first time after a change.

Each measured run's connections must be spread over the workers: one worker holding nearly all
of them is bound by its GIL and runs at about half speed whatever it serves (see lopsided), so
such a run is made again on new connections, and the report says which were.

Uses the 10k-client data set of bench_rls.py (database portal_bench; run that first). Each
request carries the session cookie of one of 200 clients, signed in through the same database
functions the sign-in pages use.

    .venv/bin/python bench/bench_pages.py [--duration 10] [--connections 4,16] [--workers 3] [--threads 2]
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.auth import jwt_tokens
from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate

SECRET_KEY, JWT_SECRET = "bench-" + "s" * 40, "bench-jwt-" + "j" * 40
# Each request takes the next line of its target's file: a path and a client's cookie, so the
# document pages open each client's own invoice or quote.
LUA = """
local lines = {}
for line in io.lines("%(requests)s") do
  local path, cookie = line:match("([^\t]*)\t(.*)")
  lines[#lines + 1] = {path, cookie}
end
local n = 0
request = function()
  n = n + 1
  local line = lines[(n %% #lines) + 1]
  return wrk.format("GET", line[1], {["Cookie"] = line[2]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout))
  io.write(string.format("ERRORS status=%%d connect=%%d read=%%d write=%%d timeout=%%d\\n",
    e.status, e.connect, e.read, e.write, e.timeout))
  -- Every latency (microseconds) with its count, so that runs can be merged exactly.
  local counted = {}
  for i = 1, #latency do
    local value, count = latency(i)
    counted[#counted + 1] = string.format("%%d:%%d", value, count)
  end
  io.write("LATENCY " .. table.concat(counted, " ") .. "\\n")
end
"""
# A client's newest invoice and quote (one each), for the document pages.
DOCUMENTS = """
select (select i.id from public.invoices i where i.client_id = c.id and i.status = 'sent'
          order by i.issue_date desc limit 1),
       (select q.id from public.quotes q where q.client_id = c.id and q.status <> 'draft'
          order by q.issue_date desc limit 1)
  from public.clients c where lower(c.email) = lower(%s)
"""
# The client with the most invoices: the heavy one.
HEAVY = """
select c.email from public.clients c join public.invoices i on i.client_id = c.id
 group by c.email order by count(*) desc limit 1
"""


def session_cookies(url: str, emails: list[str]) -> list[str]:
    """Signed session cookies for these clients, made as a sign-in and a first page make them."""
    app = create_app({"SECRET_KEY": SECRET_KEY, "DATABASE_URL": url})
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookies = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("delete from private.login_requests")
        for email in emails:
            token = secrets.token_hex(16)
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            conn.execute("set role service_role")
            conn.execute("select public.issue_login_link(%s, %s, %s)",
                         (email, token_hash, token_hash))
            signed = conn.execute(
                "select public.consume_login(p_token_hash => %s, p_session_lifetime_seconds => 28800,"
                " p_user_agent => 'bench', p_now => %s)", (token_hash, datetime.now(UTC))).fetchone()[0]
            conn.execute("reset role")
            access = jwt_tokens.issue_access_token(
                JWT_SECRET, client_id=signed["client_id"], email=signed["email"],
                session_id=signed["session_id"], lifetime_seconds=28800)
            # As a browser holds it after its first page: that page put Flask-WTF's CSRF
            # secret in the session (sign-in clears the session), and later pages reuse it.
            cookies.append("portal_session=" + serializer.dumps(
                {"auth": {"mode": "postgres", "access_token": access},
                 "csrf_token": secrets.token_hex(20)}))
    return cookies


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time (user + system) used so far by the server's gunicorn processes and by every
    Postgres process on this machine: per request, where a page's cost goes."""
    used = {"app": 0.0, "db": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                line = stat.read()
        except OSError:
            continue  # ended meanwhile
        name = line[line.index("(") + 1:line.rindex(")")]
        fields = line[line.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        if int(pid) == server_pid or int(fields[1]) == server_pid:
            used["app"] += seconds
        elif name.startswith("postgres"):
            used["db"] += seconds
    return used


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_file(lines: list[tuple[str, str]]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{path}\t{cookie}\n" for path, cookie in lines))
    return handle.name


def run_wrk(base: str, requests: str, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"requests": requests})
    # How wrk's connections landed on the server's workers, looked at once they are all open.
    spread = []
    looking = threading.Timer(min(1.5, duration / 2),
                              lambda: spread.extend(connections_per_worker(base)))
    looking.start()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script.name, base],
                         capture_output=True, text=True, check=True).stdout
    looking.join()
    requests, errors = re.search(r"RESULT (\d+) (\d+)", out).groups()
    # Which kinds: "status" is an answer of 400 or more, "timeout" one not answered in 2 s.
    kinds = {kind: int(n) for kind, n in re.findall(r"(\w+)=(\d+)", out.split("ERRORS", 1)[1])
             if int(n)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = Counter()
    for value, count in re.findall(r"(\d+):(\d+)", out.split("LATENCY", 1)[1].split("\n", 1)[0]):
        latency[int(value)] += int(count)
    return {"rps": rate, **{f"p{p}": percentile(latency, p) for p in (50, 95, 99)},
            "requests": int(requests), "errors": int(errors), "error kinds": kinds,
            "connections per worker": spread, "latency": latency}


def connections_per_worker(base: str) -> list[int]:
    """The established connections to the server, counted per process that holds them (`ss`,
    iproute2), most first; empty when `ss` cannot tell."""
    port = base.rsplit(":", 1)[1]
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(Counter(re.findall(r"pid=(\d+)", out)).values(), reverse=True)


def lopsided(spread: list[int], connections: int) -> bool:
    """Whether one worker holds nearly all of wrk's connections. gunicorn's workers accept wrk's
    burst of keep-alive connections as they happen to wake, and a worker that took all of them
    is bound by its own GIL, one core of two: that run measures the kernel's luck at about half
    the throughput (seen for the static file and for pages alike), not the page."""
    return bool(spread) and spread[0] > 3 * connections // 4


def measured_run(server_pid: int, base: str, requests: str, duration: int, connections: int) -> dict:
    """One measured run, with the CPU its requests cost, whose connections are spread over the
    workers (see lopsided): a run that is not is made again on new connections, up to four
    times; the last one counts either way, and its "repeated" says how many were made again."""
    repeated = -1
    while True:
        repeated += 1
        before = cpu_seconds(server_pid)
        result = run_wrk(base, requests, duration, connections)
        after = cpu_seconds(server_pid)
        if repeated == 4 or not lopsided(result["connections per worker"], connections):
            break
    result.update({f"{part} cpu ms": 1000 * (after[part] - before[part]) / max(result["requests"], 1)
                   for part in after})
    return {**result, "repeated": repeated}


def percentile(latency: Counter, p: float) -> float:
    """The p-th percentile (nearest rank) of a latency histogram, in milliseconds."""
    rank, seen = p / 100 * sum(latency.values()), 0
    for value in sorted(latency):
        seen += latency[value]
        if seen >= rank:
            return value / 1000
    return 0.0


def combined(runs: list[dict]) -> dict:
    """Several runs of one target as one: requests over their time, latencies merged (so the
    percentiles are those of every request of every run), errors and CPU summed."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    latency = sum((r["latency"] for r in runs), Counter())
    kinds = sum((Counter(r["error kinds"]) for r in runs), Counter())
    return {"rps": requests / seconds if seconds else 0.0,
            **{f"p{p}": percentile(latency, p) for p in (50, 95, 99)},
            "requests": requests, "errors": sum(r["errors"] for r in runs),
            "error kinds": dict(kinds), "latency": latency,
            "connections per worker": [r["connections per worker"] for r in runs],
            "repeated": sum(r["repeated"] for r in runs),
            **{f"{part} cpu ms": sum(r[f"{part} cpu ms"] * r["requests"] for r in runs)
               / max(requests, 1) for part in ("app", "db")}}


def in_turn(page: tuple, static: tuple, turns: int, seconds: int, connections: int) -> dict:
    """The page measured in `turns` runs of `seconds`, each right after a run of the static
    file, and compared with those static runs only (its "static"). This machine's speed moves
    within a whole bench run and from one ten-second window to the next (seen here: the static
    file at 1,600-2,800 req/s within one run, and a kept page's CPU per request at 0.85-1.2 ms
    from row to row, for the same work), so a page and a static file measured at different
    moments differ by the moment as much as by the page; in turn, both see the same moments.
    `page` and `static`: (server pid, base URL, request file)."""
    page_runs, static_runs = [], []
    for _ in range(turns):
        static_runs.append(measured_run(*static, seconds, connections))
        page_runs.append(measured_run(*page, seconds, connections))
    result = combined(page_runs)
    result["static"] = combined(static_runs)
    result["static runs"] = static_runs
    result["ratio in each turn"] = [p["rps"] / s["rps"] for p, s in zip(page_runs, static_runs,
                                                                          strict=True)]
    return result


RENDERED = ["dashboard", "invoice list", "an invoice", "quote list", "a quote"]


def targets(url: str, clients: int) -> dict[str, tuple[str, str]]:
    """Every page to measure: its server ("portal", "portal, nothing kept" or "floor") and its
    request file."""
    with psycopg.connect(url) as conn:
        emails = [r[0] for r in conn.execute(
            "select email from public.clients where portal_access order by id limit %s", (clients,))]
        documents = [conn.execute(DOCUMENTS, (email,)).fetchone() for email in emails]
        heavy = conn.execute(HEAVY).fetchone()[0]
    cookies = session_cookies(url, emails)
    [heavy_cookie] = session_cookies(url, [heavy])
    every = lambda path: request_file([(path, cookie) for cookie in cookies])  # noqa: E731
    pages = {
        "static file": ("portal", every("/static/portal.css")),
        "floor (1 RLS query)": ("floor", every("/floor")),
        "dashboard": ("portal", every("/")),
        "invoice list": ("portal", every("/invoices?status=all")),
        "an invoice": ("portal", request_file([(f"/invoices/{invoice}", cookie) for cookie, (
            invoice, _) in zip(cookies, documents, strict=True) if invoice])),
        "quote list": ("portal", every("/quotes?status=all")),
        "a quote": ("portal", request_file([(f"/quotes/{quote}", cookie) for cookie, (
            _, quote) in zip(cookies, documents, strict=True) if quote])),
        "heavy: dashboard": ("portal", request_file([("/", heavy_cookie)])),
        "heavy: invoice list": ("portal", request_file([("/invoices?status=all", heavy_cookie)])),
        "heavy: overdue": ("portal", request_file([("/invoices?status=overdue", heavy_cookie)])),
        "heavy: quote list": ("portal", request_file([("/quotes?status=all", heavy_cookie)])),
    }
    # The same pages from a portal that keeps none (PAGE_CACHE_SIZE=0), so each is read and
    # rendered: what a page costs the first time it is opened after a change.
    for name in RENDERED:
        pages[f"{name} (rendered)"] = ("portal, nothing kept", pages[name][1])
    return pages


def start_server(app: str, env: dict, args) -> tuple[subprocess.Popen, str]:
    """gunicorn serving `app` as production does, with the project's gunicorn.conf.py (each
    worker compiles its templates before its first request) wherever the bench is run from."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
         "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", app], env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


HEAVY_PAIRS = {"heavy: dashboard": "dashboard", "heavy: invoice list": "invoice list",
               "heavy: overdue": "invoice list", "heavy: quote list": "quote list"}


def against_median(results: dict, heavy: str) -> float:
    """The heavy client's page over the median client's, each as its ratio to the static runs
    made in turn with it: the two rows are measured minutes apart, at different speeds of the
    machine (see in_turn)."""
    def ratio(r: dict) -> float:
        return r["rps"] / r["static"]["rps"]
    return ratio(results[heavy]) / ratio(results[HEAVY_PAIRS[heavy]])


def report(results: dict, connections: int) -> None:
    floor = results["floor (1 RLS query)"]
    floor_ratio = floor["rps"] / floor["static"]["rps"]
    print(f"\n{connections} connections")
    print(f"{'page':<24}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}{'/static':>8}"
          f"{'/floor':>7}{'p95/static':>11}{'app cpu':>8}{'db cpu':>7}  {'each turn':<10} goal")
    for name, r in results.items():
        ratio, p95_ratio = r["rps"] / r["static"]["rps"], r["p95"] / r["static"]["p95"]
        turns = r.get("ratio in each turn")
        each = f"{min(turns):.2f}-{max(turns):.2f}" if turns else ""
        goal = ""
        if name not in ("static file", "floor (1 RLS query)"):
            ok = ratio >= 0.6 and p95_ratio <= 3 and not r["errors"]
            if name in HEAVY_PAIRS:
                ok = ok and against_median(results, name) >= 0.5
            goal = "PASS" if ok else "MISS"
        print(f"{name:<24}{r['rps']:>7.0f}{r['p50']:>8.2f}{r['p95']:>8.2f}{r['errors']:>7}"
              f"{ratio:>8.2f}{ratio / floor_ratio:>7.2f}{p95_ratio:>11.2f}"
              f"{r['app cpu ms']:>8.2f}{r['db cpu ms']:>7.2f}  {each:<10} {goal}")
    static_rates = [run["rps"] for r in results.values() for run in r.get("static runs", [])]
    print(f"  /static and p95/static: against the static file's runs made in turn with the row's"
          f" (the static file row: all {len(static_rates)} of them, {min(static_rates):,.0f}-"
          f"{max(static_rates):,.0f} req/s); each turn: the row's req/s over the static file's, in"
          f" each turn; /floor: the row's /static over the floor's")
    print("  app cpu, db cpu: milliseconds of CPU per request in the server's gunicorn processes"
          " and in Postgres")
    for heavy, median in HEAVY_PAIRS.items():
        print(f"  {heavy} / median {median}: {against_median(results, heavy):.2f} (each against the"
              f" static runs made in turn with it)")
    kinds = {name: r["error kinds"] for name, r in results.items() if r["errors"]}
    print("  errors by kind (status: answered 400 or more; timeout: not answered in 2 s): "
          + ("; ".join(f"{name} " + ", ".join(f"{kind} {n}" for kind, n in found.items())
                       for name, found in kinds.items()) or "none"))
    again = {name: r["repeated"] for name, r in results.items() if r["repeated"]}
    print("  runs made again because one worker held nearly all connections (see lopsided): "
          + (", ".join(f"{name} {times}x" for name, times in again.items()) or "none"))
    still = [name for name, r in results.items()
             if any(lopsided(spread, connections) for spread in r["connections per worker"])]
    if still:
        print("  STILL LOPSIDED (read these rows as the kernel's luck): " + ", ".join(still))


def autogroup() -> str:
    """The kernel's session autogroups, which decide how Postgres (a daemon in a session of its
    own) and this bench's servers and wrk (this session) share the CPUs."""
    try:
        enabled = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip()
    except OSError:
        return "unknown"
    return {"0": "off", "1": "on"}.get(enabled, enabled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds per page, and as many of the static file in turn with it")
    # Ten turns of 1 s rather than five of 2 s: a page's ratio moves as much from one 1-s turn
    # to the next as from one 2-s turn to the next, so twice the turns in the same time halve
    # the ratio's variance (bench/README.md).
    parser.add_argument("--turns", type=int, default=10,
                        help="runs the duration is cut into, each right after one of the static file")
    parser.add_argument("--connections", default="4,16", help="comma-separated")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()

    url = args.database_url or cluster.with_database(cluster.resolve_server_url(), "portal_bench")
    migrate(url)
    with psycopg.connect(url) as conn:
        if conn.execute("select count(*) from public.clients").fetchone()[0] < args.clients:
            sys.exit("Run bench/bench_rls.py first: it generates the 10k-client data set.")
    pages = targets(url, args.clients)

    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "JWT_SECRET": JWT_SECRET,
           "PORTAL_ENV": "development", "SESSION_IDLE_SECONDS": "86400",
           "DATABASE_POOL_SIZE": str(args.threads)}
    servers = dict([("portal", start_server("app:create_app()", env, args)),
                    ("portal, nothing kept", start_server("app:create_app()",
                                                          {**env, "PAGE_CACHE_SIZE": "0"}, args)),
                    ("floor", start_server("bench.floor_app:create_app()", env, args))])
    try:
        print(f"kernel.sched_autogroup_enabled: {autogroup()} (on: Postgres's backends get the CPU"
              " share of one session against this one's, and were seen runnable but waiting up to"
              " 0.6 s: see bench/README.md)")
        print(f"gunicorn: {args.workers} workers x {args.threads} threads (each portal, the floor); "
              f"wrk: {args.duration} s per page after 3 s of warm-up; {args.clients} signed-in "
              f"clients; goal per page: >= 0.60 of static, p95 <= 3x static, no errors; "
              f"heavy >= 0.5 of median")
        for name, (_, base) in servers.items():  # workers load the app on their first requests
            run_wrk(base, pages["floor (1 RLS query)" if name == "floor" else "static file"][1], 3, 4)
        every_run = {}
        static = (servers["portal"][0].pid, servers["portal"][1], pages["static file"][1])
        seconds = max(1, args.duration // args.turns)
        for connections in (int(n) for n in args.connections.split(",")):
            results = {}
            run_wrk(static[1], static[2], 3, connections)  # warm-up
            for name, (server, requests) in pages.items():
                if name == "static file":
                    continue
                base = servers[server][1]
                run_wrk(base, requests, 3, connections)  # warm-up
                results[name] = in_turn((servers[server][0].pid, base, requests), static,
                                        args.turns, seconds, connections)
            # The static file's row: every one of its runs in this half.
            every_static = combined([run for r in results.values() for run in r["static runs"]])
            every_static["static"] = every_static
            results = every_run[connections] = {"static file": every_static, **results}
            report(results, connections)
        shown = lambda r: {k: v for k, v in r.items() if k not in ("latency", "static runs", "static")}  # noqa: E731
        print(json.dumps({n: {name: shown(r) for name, r in rs.items()} for n, rs in every_run.items()}),
              file=sys.stderr)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
