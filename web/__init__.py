"""The web front end: the only layer that imports Flask.

`create_app()` is the app factory: it opens the core (``core.Dossier``) and the
accounts once for the process, and wires blueprints, security and error pages
around them. Views parse the request, call one use case and render its answer.
"""
from __future__ import annotations

import atexit
import dataclasses
import datetime as dt

from flask import Flask, Request
from werkzeug.exceptions import BadRequest

from dossier.core import Config, Dossier, load_config

SESSION_HOURS = 8
# Room for the multipart envelope and form fields around a file at the cap.
REQUEST_MARGIN = 2**20


class DossierRequest(Request):
    """Closes the temp files of a multipart body whose parsing failed part-way.

    Werkzeug leaves the files of the parts it had read open when it gives up
    (too many parts, too large): they would linger until garbage collection.
    """

    def _get_file_stream(self, *args, **kwargs):
        stream = super()._get_file_stream(*args, **kwargs)
        self.__dict__.setdefault("_dossier_part_files", []).append(stream)
        return stream

    def get_json(self, *args, **kwargs):
        """A body nested too deeply for the parser is a bad request, like any unreadable JSON
        (json raises RecursionError there, which nothing else catches)."""
        try:
            return super().get_json(*args, **kwargs)
        except RecursionError:
            if kwargs.get("silent") or (len(args) > 1 and args[1]):
                return None
            raise BadRequest("The JSON body is nested too deeply to read.") from None

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except BaseException:
            for stream in self.__dict__.pop("_dossier_part_files", ()):
                stream.close()
            raise


def create_app(config: Config | None = None, **overrides) -> Flask:
    """Build the app. Lower-case overrides are settings (data_dir=...), upper-case ones Flask config."""
    from dossier.core.accounts import Accounts

    from . import security

    settings = {k: v for k, v in overrides.items() if k.islower()}
    flask_config = {k: v for k, v in overrides.items() if k.isupper()}
    if config is None:
        config = load_config(settings)
    elif settings:
        config = dataclasses.replace(config, **settings)

    # instance_path given: Flask cannot look for one inside a namespace package (dossier.web).
    app = Flask(__name__, instance_path=str(config.data_dir))
    app.request_class = DossierRequest
    app.config.update(
        SECRET_KEY=security.secret_key(config.data_dir),
        MAX_CONTENT_LENGTH=config.max_upload_bytes + REQUEST_MARGIN,
        MAX_FORM_MEMORY_SIZE=4 * 2**20,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        SESSION_COOKIE_NAME="dossier_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.config.update(flask_config)

    app.extensions["dossier"] = Dossier(config)
    app.extensions["dossier.accounts"] = Accounts(config.data_dir)
    atexit.register(close_services, app)

    security.install(app)
    if config.base_url:
        app.wsgi_app = security.BaseURL(app.wsgi_app, config.base_url)
    _register(app)
    return app


def close_services(app: Flask) -> None:
    """Close the core once (tests call it; atexit calls it again harmlessly)."""
    dossier = app.extensions.pop("dossier", None)
    if dossier is not None:
        dossier.close()


def _register(app: Flask) -> None:
    from . import api, auth, feeds, sessions
    from .views import alerts, browse, crawlers, documents, edit, embeds, errors, filters, pages, publishing, search, \
        upload

    app.before_request(sessions.load_user)
    for blueprint in (search.bp, documents.bp, pages.bp, browse.bp, upload.bp, edit.bp, publishing.bp, feeds.bp, auth.bp,
                      api.bp, crawlers.bp, alerts.bp, embeds.bp):
        app.register_blueprint(blueprint)
    filters.install(app)
    errors.install(app)
