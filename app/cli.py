"""The `portal` command: `portal db migrate`, `portal dev`."""

import argparse
import os
import sys

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate


def cmd_migrate(args) -> int:
    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        url = cluster.ensure_database(cluster.resolve_server_url(), "portal")
    print(migrate(url).summary())
    return 0


def cmd_dev(args) -> int:
    """The embedded default: a local Postgres, migrated and seeded, and the app on loopback."""
    import psycopg

    url = os.environ.get("DATABASE_URL") or cluster.ensure_database(
        cluster.resolve_server_url(), "portal")
    print(migrate(url).summary())
    with psycopg.connect(url) as conn:
        if not conn.execute("select exists (select from public.clients)").fetchone()[0]:
            conn.execute((PROJECT_ROOT / "supabase" / "seed.sql").read_text())
            print("Loaded the demo data (supabase/seed.sql).")
    os.environ["DATABASE_URL"] = url
    from app import create_app

    app = create_app()
    print(f"Client Portal is running at http://127.0.0.1:{args.port}/", flush=True)
    app.run(host="127.0.0.1", port=args.port, debug=False, use_reloader=False)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="Client Portal")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="database commands").add_subparsers(dest="db_command",
                                                                           required=True)
    migrate_parser = db.add_parser("migrate", help="apply migrations, functions and policies")
    migrate_parser.add_argument("--database-url", help="defaults to DATABASE_URL or the local server")
    migrate_parser.set_defaults(func=cmd_migrate)
    dev = commands.add_parser("dev", help="run the portal on the embedded default")
    dev.add_argument("--port", type=int, default=5000)
    dev.set_defaults(func=cmd_dev)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
