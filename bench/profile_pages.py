"""Where a page's time goes, in the process: each portal page requested through the Flask test
client under pyinstrument, as one of the bench's clients (and the heavy one). Prints, per page,
the mean time per request, the part spent rendering templates (flask.templating._render, macros
and filters included), the part inside Babel and the part waiting on the database (psycopg).

Uses the data set of bench_rls.py / bench_pages.py (--database-url; the bench's database).

    .venv/bin/python bench/profile_pages.py --database-url URL [--requests 200] [--show PAGE]
"""

import argparse
import sys
from pathlib import Path

import psycopg
from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from bench.bench_pages import DOCUMENTS, HEAVY, JWT_SECRET, SECRET_KEY, session_cookies  # noqa: E402


def time_in(frame, wanted) -> float:
    """Seconds spent in frames `wanted` accepts (outermost only) below `frame`."""
    if wanted(frame):
        return frame.time
    return sum(time_in(child, wanted) for child in frame.children)


def rendering(frame) -> bool:
    return frame.function == "_render" and frame.file_path.endswith("flask/templating.py")


def in_babel(frame) -> bool:
    return "/babel/" in (frame.file_path or "")


def in_database(frame) -> bool:
    return "/psycopg" in (frame.file_path or "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--show", help="print pyinstrument's tree for this page")
    args = parser.parse_args()

    with psycopg.connect(args.database_url) as conn:
        email = conn.execute("select email from public.clients where portal_access"
                             " order by id limit 1").fetchone()[0]
        invoice, quote = conn.execute(DOCUMENTS, (email,)).fetchone()
        heavy = conn.execute(HEAVY).fetchone()[0]
    cookie, heavy_cookie = session_cookies(args.database_url, [email, heavy])
    # Nothing kept (app/page_cache.py): every request reads and renders its page, which is what
    # this profiles.
    app = create_app({"SECRET_KEY": SECRET_KEY, "JWT_SECRET": JWT_SECRET,
                      "DATABASE_URL": args.database_url, "PAGE_CACHE_SIZE": 0})
    pages = {"dashboard": ("/", cookie), "invoice list": ("/invoices?status=all", cookie),
             "an invoice": (f"/invoices/{invoice}", cookie),
             "quote list": ("/quotes?status=all", cookie), "a quote": (f"/quotes/{quote}", cookie),
             "heavy: dashboard": ("/", heavy_cookie),
             "heavy: invoice list": ("/invoices?status=all", heavy_cookie)}
    print(f"{'page':<22}{'ms/request':>11}{'render ms':>10}{'babel ms':>9}{'db ms':>7}")
    for name, (path, cookie_header) in pages.items():
        client = app.test_client()
        client.set_cookie("portal_session", cookie_header.split("=", 1)[1])
        for _ in range(20):  # warm-up: templates compiled, profile kept, formatters cached
            assert client.get(path).status_code == 200, path
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        root = profiler.last_session.root_frame()
        per = lambda seconds: seconds * 1000 / args.requests  # noqa: E731
        print(f"{name:<22}{per(root.time):>11.2f}{per(time_in(root, rendering)):>10.2f}"
              f"{per(time_in(root, in_babel)):>9.2f}{per(time_in(root, in_database)):>7.2f}")
        if name == args.show:
            print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
