"""Database round trips counted on the wire: libpq's trace of every connection the app's pool
hands out logs each message in the order sent and read; a round trip is the client sending and
then reading the server's answer, so each change from client (F) to server (B) lines is one."""

import os
import tempfile
from contextlib import contextmanager

from psycopg import pq


@contextmanager
def counted_round_trips(app):
    """Yields a function that returns the round trips made so far through the app's pool."""
    from app.db.pool import get_pool

    pool = get_pool(app)
    handed_out = pool.connection
    log = tempfile.TemporaryFile("w+")

    @contextmanager
    def traced(*args, **kwargs):
        with handed_out(*args, **kwargs) as conn:
            conn.pgconn.trace(log.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            try:
                yield conn
            finally:
                conn.pgconn.untrace()

    def count() -> int:
        log.flush()
        os.fsync(log.fileno())
        log.seek(0)
        # A message's text may span lines (a query of several statements): only lines that
        # start a message name its sender.
        senders = [line[0] for line in log if line.startswith(("F\t", "B\t"))]
        return sum(1 for sent, read in zip(senders, senders[1:], strict=False) if (sent, read) == ("F", "B"))

    pool.connection = traced
    try:
        yield count
    finally:
        pool.connection = handed_out
        log.close()
