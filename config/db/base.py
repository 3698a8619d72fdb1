"""PostgreSQL backend that starts the project-local server before the first connection.

It is Django's own PostgreSQL backend; the only addition is that opening a connection makes sure
the embedded server runs (``config.embedded_pg``) and points the connection at its socket. Nothing
starts a server for commands that never touch the database.
"""

from typing import Any

from django.db.backends.postgresql import base

from config import embedded_pg


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        name = self.settings_dict["NAME"] or "postgres"
        # The test database is created by the test runner through the "postgres" database.
        create = None if name.startswith("test_") or name == "postgres" else name
        socket = embedded_pg.ensure_running(database=create)
        self.settings_dict["HOST"] = str(socket)
        params = super().get_connection_params()
        params["host"] = str(socket)
        return params
