"""Pages under load: the dashboard and the invoice list as signed-in clients, served by gunicorn
on loopback and driven by wrk, against a static file of the same app in the same run.

Uses the 10k-client data set of bench_rls.py (database portal_bench; run that first). Each
request carries the session cookie of one of 200 clients, signed in through the same database
functions the sign-in pages use.

    .venv/bin/python bench/bench_pages.py [--duration 15] [--connections 4] [--workers 3] [--threads 2]
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
import time
from datetime import UTC, datetime

import psycopg
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.auth import jwt_tokens
from app.db import cluster
from app.db.migrate import migrate

SECRET_KEY, JWT_SECRET = "bench-" + "s" * 40, "bench-jwt-" + "j" * 40
TARGETS = {"static file (baseline)": "/static/portal.css", "dashboard": "/",
           "invoice list": "/invoices?status=all"}
LUA = """
local cookies = {}
for line in io.lines("%(cookies)s") do cookies[#cookies + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%(path)s", {["Cookie"] = cookies[(n %% #cookies) + 1]})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def session_cookies(url: str, count: int) -> list[str]:
    """Signed session cookies for `count` clients, made exactly as a sign-in makes them."""
    app = create_app({"SECRET_KEY": SECRET_KEY, "DATABASE_URL": url})
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookies = []
    with psycopg.connect(url, autocommit=True) as conn:
        emails = [r[0] for r in conn.execute(
            "select email from public.clients where portal_access order by id limit %s", (count,))]
        conn.execute("delete from private.login_requests")
        for email in emails:
            token = secrets.token_hex(16)
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            conn.execute("set role service_role")
            conn.execute("select public.issue_login_link(%s, %s, %s)",
                         (email, token_hash, token_hash))
            signed = conn.execute("select public.consume_login_link(%s, 28800, 'bench', %s)",
                                  (token_hash, datetime.now(UTC))).fetchone()[0]
            conn.execute("reset role")
            access = jwt_tokens.issue_access_token(
                JWT_SECRET, client_id=signed["client_id"], email=signed["email"],
                session_id=signed["session_id"], lifetime_seconds=28800)
            cookies.append("portal_session=" + serializer.dumps(
                {"auth": {"mode": "postgres", "access_token": access}}))
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_wrk(base: str, path: str, cookie_file: str, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"cookies": cookie_file, "path": path})
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script.name, base],
                         capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    requests, errors, p50, p95, p99 = found.groups()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": rate, "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "requests": int(requests), "errors": int(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()

    url = args.database_url or cluster.with_database(cluster.resolve_server_url(), "portal_bench")
    migrate(url)
    with psycopg.connect(url) as conn:
        if conn.execute("select count(*) from public.clients").fetchone()[0] < args.clients:
            sys.exit("Run bench/bench_rls.py first: it generates the 10k-client data set.")
    cookies = session_cookies(url, args.clients)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as cookie_file:
        cookie_file.write("\n".join(cookies) + "\n")

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "JWT_SECRET": JWT_SECRET,
           "PORTAL_ENV": "development", "SESSION_IDLE_SECONDS": "86400",
           "DATABASE_POOL_SIZE": str(args.threads)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"gunicorn: {args.workers} workers x {args.threads} threads; wrk: {args.connections} "
              f"connections, {args.duration} s per page; {len(cookies)} signed-in clients\n")
        print(f"{'page':<24}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
        results = {}
        for name, path in TARGETS.items():
            run_wrk(base, path, cookie_file.name, 3, args.connections)  # warm-up
            result = results[name] = run_wrk(base, path, cookie_file.name, args.duration, args.connections)
            print(f"{name:<24}{result['rps']:>10.0f}{result['p50']:>10.2f}{result['p95']:>10.2f}"
                  f"{result['p99']:>10.2f}{result['errors']:>8}")
        baseline = results["static file (baseline)"]["rps"]
        print("\nthroughput relative to the static file:")
        for name in ("dashboard", "invoice list"):
            print(f"  {name}: {results[name]['rps'] / baseline:.2f}")
        print("\ntargets: p95 < 25 ms; >= 300 requests/s on 2 cores")
        for name in ("dashboard", "invoice list"):
            ok = results[name]["p95"] < 25 and results[name]["rps"] >= 300 and not results[name]["errors"]
            print(f"  {'PASS' if ok else 'MISS'} {name}: {results[name]['rps']:.0f} req/s, "
                  f"p95 {results[name]['p95']:.2f} ms")
        print(json.dumps(results), file=sys.stderr)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
