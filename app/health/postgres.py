"""Health in Postgres mode: one timed read through the pool the pages use."""

from flask import current_app
from psycopg import errors
from psycopg_pool import PoolTimeout

from app.db.pool import get_pool
from app.health.report import healthy, problem

# Health answers within about a second, whatever the database does: a monitor must learn that
# something is wrong, not wait with the visitors.
POOL_WAIT_SECONDS = 1.0
CHECK_TIMEOUTS = "select set_config('statement_timeout', '1000ms', true)," \
                 " set_config('lock_timeout', '500ms', true)"
# Reads the table every signed-in request reads (sessions check the client's access), so a lock
# or a stall there shows here as it shows on the pages.
CHECK = "select count(*) from (select 1 from public.clients limit 1) probe"


def check(app):
    pool = get_pool(app)
    try:
        with pool.connection(timeout=POOL_WAIT_SECONDS) as conn, conn.transaction():
            conn.execute(CHECK_TIMEOUTS)
            conn.execute(CHECK)
        return healthy()
    except PoolTimeout:
        if pool.get_stats().get("pool_size", 0) >= pool.max_size:
            return problem("busy", f"All {pool.max_size} pooled connections are in use and none"
                                   f" became free within {POOL_WAIT_SECONDS:g} s.")
        return problem("unavailable", "No connection to the database could be made within"
                                      f" {POOL_WAIT_SECONDS:g} s.")
    except errors.LockNotAvailable:
        return problem("locked", "The clients table is locked by another transaction for longer"
                                 " than 500 ms: pages that read it wait and then fail.")
    except errors.QueryCanceled:
        return problem("slow", "A one-row read took longer than 1 s: the database is overloaded.")
    except Exception as error:  # any other failure to reach the database means "unavailable"
        current_app.logger.exception("health check: database unavailable")
        return problem("unavailable", f"The database did not answer ({type(error).__name__}).")
