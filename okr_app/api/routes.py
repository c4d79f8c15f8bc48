from okr_app.api import bp  # noqa: F401
