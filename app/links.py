"""Links in templates, each built once per process. A page links every row it lists (an invoice
list builds about thirty links) and Werkzeug's builder costs about 10 µs a link. A link depends
only on its endpoint, its values and the path the app is served under (the app uses no URL
defaults, subdomains or host matching), so a link built once is reused."""

from flask import current_app, has_request_context, request, url_for

# Plenty for the pages of every client signed in at once; past it, start again.
MOST_KEPT = 20_000


def template_url_for(endpoint: str, **values) -> str:
    # Relative endpoints (".x") depend on the blueprint, _external/_scheme on the request's host.
    if not has_request_context() or endpoint.startswith(".") or any(k[0] == "_" for k in values):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        return current_app.extensions["portal_links"][key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list): built each time
        return url_for(endpoint, **values)
    link = url_for(endpoint, **values)
    kept = current_app.extensions["portal_links"]
    if len(kept) >= MOST_KEPT:
        kept.clear()
    kept[key] = link
    return link


def init_app(app) -> None:
    app.extensions["portal_links"] = {}
    app.jinja_env.globals["url_for"] = template_url_for
