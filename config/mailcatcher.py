"""The local SMTP catcher of ``make run``: mail the worker sends lands in files, not with people.

    python -m config.mailcatcher --port 8025 --dir var/mail

Listens on 127.0.0.1 only (aiosmtpd) and writes each message it receives, exactly as it
arrived, to ``<dir>/<time>-<number>.eml`` (readable with any mail program or a text editor);
the envelope's recipients go into a first ``X-Caught-For`` line. Stops on SIGINT or SIGTERM.
``make run`` starts it beside gunicorn and the worker unless ``EMAIL_HOST`` is set; in
production it is not used.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class FileHandler:
    """Writes every message to a file of its own."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{next(self.numbers):05d}.eml"
        caught_for = ", ".join(envelope.rcpt_tos).encode("ascii", "replace")
        partial = path.with_suffix(".part")
        partial.write_bytes(b"X-Caught-For: " + caught_for + b"\r\n" + envelope.original_content)
        partial.rename(path)  # a reader never sees half a file
        return "250 Caught (not delivered)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(FileHandler(args.dir), hostname="127.0.0.1", port=args.port)
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    controller.start()
    print(f"Mail catcher on 127.0.0.1:{args.port}, writing to {args.dir}", flush=True)
    stopped.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
