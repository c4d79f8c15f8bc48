"""gunicorn's entry point: `okr_app.wsgi:app`."""
from okr_app import create_app

app = create_app()
