"""The floor for bench_pages.py: the least a signed-in page can do. A minimal template page
behind the portal's session cookie (signature and JWT checked, as any page must) with one pooled
transaction: PostgREST's identity statement plus one RLS query, sent in one round trip.

    gunicorn 'bench.floor_app:create_app()'   (DATABASE_URL, SECRET_KEY, JWT_SECRET set)
"""

import json
import os

from flask import Flask, abort, render_template, session
from psycopg_pool import ConnectionPool

from app.auth import jwt_tokens

PAGE = "<!doctype html><title>Floor</title><p>{{ n }} invoices</p>"
IDENTITY = ("select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true)")
# RLS decides which rows count: the client's own, no drafts, nothing archived.
RLS_QUERY = "select count(*) from public.invoices where status = 'sent'"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], SESSION_COOKIE_NAME="portal_session")
    pool = ConnectionPool(os.environ["DATABASE_URL"], min_size=1,
                          max_size=int(os.environ.get("DATABASE_POOL_SIZE", "2")), open=True)
    jwt_secret = os.environ["JWT_SECRET"]
    # Compiled once, as the portal's templates are: render_template_string compiles its source
    # on every call (about 0.6 ms here, which the floor must not carry).
    page = app.jinja_env.from_string(PAGE)

    @app.get("/floor")
    def floor():
        try:
            claims = jwt_tokens.verify_access_token(jwt_secret, session["auth"]["access_token"])
        except Exception:
            abort(401)
        with pool.connection() as conn:
            conn.autocommit = True
            with conn.pipeline():
                conn.execute("begin")
                conn.execute(IDENTITY, (json.dumps(claims),))
                count = conn.execute(RLS_QUERY)
                conn.execute("commit")
            conn.autocommit = False
        return render_template(page, n=count.fetchone()[0])

    return app
