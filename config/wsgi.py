"""WSGI entry point (gunicorn config.wsgi). Checks the server and the city once per process
(``config.startup``): a server that cannot run the product stops it with one sentence."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.errors import explain_startup_errors  # noqa: E402 - after Django is set up
from config.startup import check  # noqa: E402

with explain_startup_errors():
    check("web")
