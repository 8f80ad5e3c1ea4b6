"""Email alerts for anyone: follow a search (double opt-in), confirm, manage, one-click unsubscribe.

Addresses are shown only on the manage page, to whoever holds that address's secret link."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from dossier.core import FACETS, Invalid, NotFound
from dossier.core.alerts import describe

from . import dossier

bp = Blueprint("alerts", __name__)


def search_of(form) -> dict:
    """The search's parameters as the search page sends them (q, facet filters, from, to)."""
    return {"q": form.get("q", ""), "filters": {f: form.getlist(f) for f in FACETS if form.getlist(f)},
            "from": form.get("from") or None, "to": form.get("to") or None}


@bp.route("/alerts", methods=["POST"])
def subscribe():
    app = dossier()
    search = search_of(request.form)
    if not app.email_alerts():
        return render_template("alerts.html", step="off", what=describe(search)), 400
    try:
        app.subscribe(request.form.get("email", ""), search, request.form.get("frequency", "immediate"),
                      client=request.remote_addr)
    except Invalid as exc:
        return render_template("alerts.html", step="refused", message=exc.message, what=describe(search)), 400
    # The same answer whether or not the address already follows this search: nothing is disclosed.
    return render_template("alerts.html", step="check_mail", what=describe(search))


@bp.route("/alerts/confirm/<token>")
def confirm(token: str):
    try:
        alert = dossier().confirm_alert(token)
    except NotFound:
        abort(404)
    return render_template("alerts.html", step="confirmed", what=describe(alert.params), alert=alert)


@bp.route("/alerts/manage/<token>")
def manage(token: str):
    try:
        alert, alerts = dossier().manage_alerts(token)
    except NotFound:
        abort(404)
    return render_template("alerts.html", step="manage", alert=alert, alerts=alerts, describe=describe)


@bp.route("/alerts/unsubscribe/<token>", methods=["POST"])
def unsubscribe(token: str):
    """The manage page's button, and what a mail client posts for RFC 8058 one-click unsubscribe."""
    try:
        alert = dossier().unsubscribe(token)
    except NotFound:
        abort(404)
    return render_template("alerts.html", step="unsubscribed", what=describe(alert.params))


@bp.app_context_processor
def follow_form():
    return {"email_alerts": dossier().email_alerts(), "facet_names": FACETS}
