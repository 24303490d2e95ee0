"""One connection pool per app, opened on first use and closed at exit."""

import atexit

from psycopg_pool import ConnectionPool


def get_pool(app) -> ConnectionPool:
    pool = app.extensions.get("portal_pool")
    if pool is None:
        pool = ConnectionPool(app.config["DATABASE_URL"], min_size=1,
                              max_size=app.config["DATABASE_POOL_SIZE"], open=True,
                              # A request waits this long for a connection, then gets the 503 page.
                              timeout=app.config["DATABASE_POOL_TIMEOUT"],
                              # No automatic prepared statements: a statement psycopg prepares
                              # inside a pipeline that an error aborts is recorded as prepared
                              # but is not, and the connection's next use of it fails with
                              # "prepared statement does not exist" (seen after a refused call).
                              kwargs={"autocommit": False, "prepare_threshold": None})
        app.extensions["portal_pool"] = pool
        atexit.register(pool.close)
    return pool
