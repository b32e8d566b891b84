"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi run`."""

from exercise_library import create_app

app = create_app()
