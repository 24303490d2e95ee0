"""gunicorn's hooks for the portal. gunicorn reads this file from the directory it starts in
(./gunicorn.conf.py, unless -c names another): the production command of the README and
docs/DEPLOYING.md starts it from the repository's root, and so does bench/bench_pages.py."""

import time


def post_worker_init(worker):
    """Each worker compiles the app's templates before it serves its first request.

    Jinja compiles a template on its first use: the portal's 88 templates cost a process about
    half a second of CPU. Paid by a new worker's first requests (and twice over when both of
    its threads compile the same page at once), it held them, and every request queued behind
    them, for up to a second or two."""
    jinja_env = getattr(worker.wsgi, "jinja_env", None)
    if jinja_env is None:
        return
    started = time.perf_counter()
    names = jinja_env.list_templates()
    for name in names:
        jinja_env.get_template(name)
    worker.log.info("Compiled %d templates in %.2f s", len(names), time.perf_counter() - started)
