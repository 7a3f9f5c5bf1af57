"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import gc

from core.app import create_app

app = create_app()
# Everything made so far (modules, the app, its routes and templates' machinery)
# lives as long as the process: kept out of the collector's generations, a full
# collection that lands on a request walks only what requests made.
gc.freeze()
