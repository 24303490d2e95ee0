"""The `portal` command: `portal db migrate`, `portal dev`, `portal worker`, `portal email preview`."""

import argparse
import os
import signal
import socket
import sys

import psycopg

from app.config import PROJECT_ROOT, ConfigError
from app.db import cluster
from app.db.migrate import migrate
from app.i18n import LANGUAGES

SEED = PROJECT_ROOT / "supabase" / "seed.sql"


def local_database_url() -> str:
    """DATABASE_URL, else the `portal` database on the local (or a throwaway) server."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return cluster.ensure_database(cluster.resolve_server_url(), "portal")


def migrate_and_report(url: str) -> None:
    try:
        print(migrate(url).summary(), flush=True)
    except psycopg.Error as error:
        notes = getattr(error, "__notes__", [])  # which file failed, when one did
        rolled_back = ["Nothing of that step was applied."] if notes else []
        sys.exit("\n".join([f"Migration failed: {error}", *notes, *rolled_back]))


def load_seed_if_empty(url: str) -> None:
    """The demo data, only into a database without clients (so a restart keeps your edits)."""
    if not SEED.exists():
        return
    with psycopg.connect(url) as conn:
        if not conn.execute("select exists (select from public.clients)").fetchone()[0]:
            conn.execute(SEED.read_text())
            print(f"Loaded the demo data ({SEED.relative_to(PROJECT_ROOT)}).")


def cmd_migrate(args) -> int:
    migrate_and_report(args.database_url or local_database_url())
    return 0


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on the port: binding as the development server will
    (SO_REUSEADDR, so connections of an earlier run that are closing do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def cmd_check(args) -> int:
    """Reports whether the database is deployed as the repository says; 1 on any problem."""
    from app.db.check import check

    try:
        report = check(args.database_url or local_database_url())
    except psycopg.Error as error:
        sys.exit(f"Check failed: {error}")
    print(report.summary(), flush=True)
    return 1 if report.problems else 0


def cmd_generate(args) -> int:
    """Writes the migration that carries functions/ and sql/policies/ to Supabase CLI deploys."""
    from app.db.generate import generate

    try:
        path = generate(version=args.version)
    except ValueError as error:
        sys.exit(f"Nothing generated: {error}")
    if path is None:
        print("The newest generated migration is up to date: nothing to do.")
    else:
        print(f"Wrote {path.relative_to(PROJECT_ROOT)}; commit it.")
    return 0


def cmd_dev(args) -> int:
    """The embedded default: a local Postgres, migrated and seeded, and the app on loopback."""
    from app import create_app

    # Checked before anything starts, so a busy port never follows a "running at" line.
    if port_in_use("127.0.0.1", args.port):
        sys.exit(f"Port {args.port} on 127.0.0.1 is already in use (another portal, or another "
                 f"program). Choose another port: `make run PORT={args.port + 1}`, or "
                 f"`.venv/bin/portal dev --port {args.port + 1}`.")
    url = local_database_url()
    migrate_and_report(url)
    load_seed_if_empty(url)
    base_url = os.environ.get("PORTAL_BASE_URL", f"http://127.0.0.1:{args.port}")
    app = create_app({"DATABASE_URL": url, "PORTAL_BASE_URL": base_url})
    from app.outbox import start_background_worker

    start_background_worker(app)  # emails go out (to the local mailbox) without a second process
    print(f"Client Portal is running at {base_url}/ (emails: {base_url}/dev/mailbox)", flush=True)
    # A plain `kill` should stop it as Ctrl-C does: through the exit hooks (pool, cluster).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        app.run(host="127.0.0.1", port=args.port, debug=False, use_reloader=False)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_worker(args) -> int:
    """Sends sign-in links and delivers the outbox until stopped (production runs this beside
    the web processes)."""
    from app import create_app
    from app.outbox import run_forever

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Production (and Supabase mode) name their database themselves: never a throwaway cluster.
    from app import choose_mode

    configured = (os.environ.get("PORTAL_ENV") == "production"
                  or choose_mode(os.environ) == "supabase")
    try:
        run_forever(create_app({} if configured else {"DATABASE_URL": local_database_url()}),
                    interval=args.interval)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_email_preview(args) -> int:
    """Renders one email kind with demo data: its text (with the subject), or its HTML."""
    from app import create_app
    from app.email_demo import BUSINESS, CONTEXTS
    from app.emails import render_email

    if args.kind not in CONTEXTS:
        sys.exit(f"No email kind {args.kind!r}. Kinds: {', '.join(sorted(CONTEXTS))}.")
    # Demo data only: no database is opened.
    app = create_app({"DATABASE_URL": None,
                      "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")})
    email = render_email(app, args.kind, CONTEXTS[args.kind], BUSINESS, attach=False,
                         language=args.language)
    if args.html:
        print(email.html)
    else:
        print(f"Subject: {email.subject}\n\n{email.text}", end="")
    return 0


def cmd_translations(args) -> int:
    """Brings every catalog in step with the source and compiles it; lists what is left to do."""
    from app.catalogs import problems, update

    update()
    left = problems()
    for language, issues in left.items():
        print(f"{language}: {len(issues)} to do")
        for issue in issues:
            print(f"  {issue}")
    if not left:
        print("Every catalog is complete and compiled.")
    return 1 if left else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="Client Portal")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    migrate_parser = db_commands.add_parser(
        "migrate", help="apply the compatibility script, migrations, functions and policies")
    migrate_parser.add_argument("--database-url",
                                help="defaults to DATABASE_URL, else the local `portal` database")
    migrate_parser.set_defaults(func=cmd_migrate)
    check_parser = db_commands.add_parser(
        "check", help="report RLS, grants, functions and migrations against the repository")
    check_parser.add_argument("--database-url",
                              help="defaults to DATABASE_URL, else the local `portal` database")
    check_parser.set_defaults(func=cmd_check)
    generate_parser = db_commands.add_parser(
        "generate", help="write a migration with functions/ and sql/policies/ when they changed")
    generate_parser.add_argument("--version", help="the new migration's version (default: UTC now)")
    generate_parser.set_defaults(func=cmd_generate)
    dev = commands.add_parser("dev", help="run the portal on the embedded default")
    dev.add_argument("--port", type=int, default=5000,
                     help="the port to serve on, on 127.0.0.1 (default 5000)")
    dev.set_defaults(func=cmd_dev)
    worker = commands.add_parser("worker", help="send sign-in links and queued emails (the outbox)")
    worker.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
    worker.set_defaults(func=cmd_worker)
    email = commands.add_parser("email", help="email commands")
    email_commands = email.add_subparsers(dest="email_command", required=True)
    preview = email_commands.add_parser("preview", help="render an email kind with demo data")
    preview.add_argument("kind", help="e.g. invoice_sent, payment_receipt, sign_in")
    preview.add_argument("--html", action="store_true", help="print the HTML part, not the text")
    preview.add_argument("--language", default="en", choices=LANGUAGES,
                         help="the recipient's language (default en)")
    preview.set_defaults(func=cmd_email_preview)
    translations = commands.add_parser(
        "translations", help="extract strings, update and compile the catalogs, list what is missing")
    translations.set_defaults(func=cmd_translations)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    sys.exit(main())
