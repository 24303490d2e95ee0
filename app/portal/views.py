from flask import current_app, render_template

from app.auth.session import current_identity, login_required
from app.data import get_data
from app.portal import bp


def call(function: str, **args):
    """A portal function, called with the signed-in client's identity: RLS decides."""
    return get_data(current_app).call_as_client(current_identity(), function, **args)


@bp.get("/")
@login_required
def dashboard():
    """Outstanding balance, recent invoices and quotes, recent activity."""
    return render_template("portal/dashboard.html", dashboard=call("portal_dashboard"))
