"""The procrastinate app as the worker sees it (``manage.py procrastinate worker``)."""

from procrastinate import App


def on_app_ready(app: App) -> None:
    """Hook for worker-wide options; periodic jobs live in each addon's ``tasks.py``."""
