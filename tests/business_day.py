"""The business's calendar moved forward in a test, with no row changed."""

from contextlib import contextmanager


@contextmanager
def days_later(demo_db, days: int):
    """The business's today `days` ahead inside the block, as if the days had gone by:
    private.business_today(), through which everything reads today (a document's state, the page
    version), redefined, and put back afterwards. No row changes."""
    original = demo_db.execute(
        "select pg_get_functiondef('private.business_today()'::regprocedure)").fetchone()[0]
    demo_db.execute("create or replace function private.business_today() returns date"
                    " language sql stable security definer set search_path = ''"
                    f" as $$ select current_date + {int(days)} $$")
    try:
        yield
    finally:
        demo_db.execute(original)
