"""One connection pool per app, opened on first use and closed at exit."""

import atexit

from psycopg_pool import ConnectionPool

# How every connection the adapter uses is set up (app/data/postgres.py): autocommit, because
# each call is one pipeline whose statements Postgres runs as one transaction and psycopg must
# not open another around it; psycopg prepares nothing of its own (the adapter prepares its
# statements itself, per connection and role).
CONNECTION_SETTINGS = {"autocommit": True, "prepare_threshold": None}


def get_pool(app) -> ConnectionPool:
    pool = app.extensions.get("portal_pool")
    if pool is None:
        pool = ConnectionPool(app.config["DATABASE_URL"], min_size=1,
                              max_size=app.config["DATABASE_POOL_SIZE"], open=True,
                              # A request waits this long for a connection, then gets the 503 page.
                              timeout=app.config["DATABASE_POOL_TIMEOUT"],
                              kwargs=CONNECTION_SETTINGS)
        app.extensions["portal_pool"] = pool
        atexit.register(pool.close)
    return pool
