"""Find a Postgres server, or start a throwaway one from the local binaries.

Order: DATABASE_URL when set; else the usual local server on 127.0.0.1:5432 when it answers;
else a private cluster in `.portal/pgdata` (initdb and pg_ctl refuse to run as root, so they
run as the `postgres` user then).
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

from app.config import PROJECT_ROOT

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
CLUSTER_DIR = PROJECT_ROOT / ".portal"


def resolve_server_url(env=None) -> str:
    """A URL of a server we may create databases on (its `postgres` database)."""
    env = os.environ if env is None else env
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    if _answers(LOCAL_SERVER):
        return LOCAL_SERVER
    return start_throwaway_cluster()


def with_database(url: str, name: str) -> str:
    """The same server URL, pointing at another database."""
    conninfo = psycopg.conninfo.conninfo_to_dict(url)
    conninfo["dbname"] = name
    return psycopg.conninfo.make_conninfo(**conninfo)


def ensure_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    raise RuntimeError("No PostgreSQL server binaries found (install postgresql-15)")


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_throwaway_cluster() -> str:
    """Starts (or reuses) the cluster in .portal/pgdata and returns its server URL."""
    data, port_file = CLUSTER_DIR / "pgdata", CLUSTER_DIR / "port"
    if port_file.exists():
        url = f"postgresql://postgres@127.0.0.1:{port_file.read_text().strip()}/postgres"
        if _answers(url):
            return url
    CLUSTER_DIR.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(CLUSTER_DIR, "postgres", "postgres")
    bindir = _bindir()
    if not (data / "PG_VERSION").exists():
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                        "--auth=trust", "--encoding=UTF8", "--no-sync"]),
                       check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -k {CLUSTER_DIR} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-l", str(CLUSTER_DIR / "postgres.log"), "-w", "start"]),
                   check=True, capture_output=True)
    port_file.write_text(str(port))
    atexit.register(_stop_cluster, bindir, data)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def _stop_cluster(bindir: Path, data: Path) -> None:
    subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                   check=False, capture_output=True)
