"""The throwaway cluster (development only): a private Postgres in `.portal/pgdata`, started
from the local binaries when no server answers (initdb and pg_ctl refuse to run as root, so they
run as the `postgres` user then)."""

import atexit
import fcntl
import glob
import os
import shlex
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

from app.config import PROJECT_ROOT
from app.db.cluster import answers

CLUSTER_DIR = PROJECT_ROOT / ".portal"

_user_lock = None  # this process's shared lock on the throwaway cluster, once it uses one


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    # Debian's pg_config (libpq-dev) points at /usr/bin, which has no initdb.
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    raise RuntimeError("No PostgreSQL server binaries found (install postgresql-15)")


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run_as_server_user(command: list[str]) -> None:
    command = _as_server_user(command)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        hint = ("\n(As root, the cluster runs as `postgres`, which must be able to reach"
                f" {CLUSTER_DIR}.)" if os.geteuid() == 0 else "")
        raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stderr or done.stdout}{hint}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _locked(name: str, mode: int = fcntl.LOCK_EX):
    with open(CLUSTER_DIR / name, "a") as lock:
        fcntl.flock(lock, mode)
        yield lock


def start_throwaway_cluster() -> str:
    """Starts (or reuses) the cluster in .portal/pgdata and returns its server URL.

    Every process using it holds a shared lock on .portal/users.lock; the last one to exit stops
    it, so `make test` ending does not pull the database from under a running `make run`.
    """
    global _user_lock
    data, port_file = CLUSTER_DIR / "pgdata", CLUSTER_DIR / "port"
    CLUSTER_DIR.mkdir(exist_ok=True)
    bindir = _bindir()
    with _locked("cluster.lock"):
        port = port_file.read_text().strip() if port_file.exists() else None
        if not (port and answers(f"postgresql://postgres@127.0.0.1:{port}/postgres")):
            port = str(_start(bindir, data))
            port_file.write_text(port)
        if _user_lock is None:
            _user_lock = open(CLUSTER_DIR / "users.lock", "a")  # held until exit
            fcntl.flock(_user_lock, fcntl.LOCK_SH)
            atexit.register(_stop_if_last_user, bindir, data)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def _start(bindir: Path, data: Path) -> int:
    if os.geteuid() == 0:
        shutil.chown(CLUSTER_DIR, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        _run_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                             "--auth=trust", "--encoding=UTF8", "--no-sync"])
    port = _free_port()
    options = (f"-p {port} -k {shlex.quote(str(CLUSTER_DIR))}"
               " -c listen_addresses=127.0.0.1 -c fsync=off")
    _run_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                         "-l", str(CLUSTER_DIR / "postgres.log"), "-w", "start"])
    return port


def _stop_if_last_user(bindir: Path, data: Path) -> None:
    global _user_lock
    with _locked("cluster.lock"):
        _user_lock.close()  # releases this process's shared lock
        _user_lock = None
        with open(CLUSTER_DIR / "users.lock", "a") as users:
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another process still uses the cluster
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                            "stop"]), check=False, capture_output=True)
