"""Template loaders that give every inline ``<script>`` of a template source the request's CSP
nonce (see ``ulm_servicepoint.security``).

The host's templates carry inline scripts (the ticket page, the ticket list, the Kanban board …).
Copying them to add ``nonce="…"`` would fork them; a policy with ``'unsafe-inline'`` would let
any injected script run. Instead the loaders rewrite the *source* of each template as it is
read: ``<script>`` without ``src`` becomes ``<script nonce="{{ csp_nonce }}">``. The nonce is
thus part of the template, never of the data rendered into it, so no value a citizen controls
can carry it. ``csp_nonce`` comes from the ``ulm_servicepoint.context_processors.security``
context processor; a template rendered without a request (a mail) gets an empty nonce, and a
browser would refuse its scripts.

Use them inside Django's cached loader (``config/settings.py``).
"""

from __future__ import annotations

import re

from django.template import Origin
from django.template.loaders import app_directories, filesystem

# an opening script tag that neither loads a file nor has a nonce already
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\s(?:src|nonce)\s*=)(?=[\s>])", re.IGNORECASE)
NONCE = '<script nonce="{{ csp_nonce }}"'


def add_nonces(source: str) -> str:
    return INLINE_SCRIPT.sub(NONCE, source)


class FilesystemLoader(filesystem.Loader):
    def get_contents(self, origin: Origin) -> str:
        return add_nonces(super().get_contents(origin))


class AppDirectoriesLoader(app_directories.Loader):
    def get_contents(self, origin: Origin) -> str:
        return add_nonces(super().get_contents(origin))
