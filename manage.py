#!/usr/bin/env python
"""Django's command-line utility, with one-sentence errors for configuration mistakes."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.errors import explain_startup_errors

    with explain_startup_errors():
        import django
        from django.core.management import execute_from_command_line

        from config import startup

        command = sys.argv[1] if len(sys.argv) > 1 else "help"
        if command not in startup.QUIET_COMMANDS and not command.startswith("-"):
            django.setup()
            startup.check(command)  # server version and extensions, the city set up
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
