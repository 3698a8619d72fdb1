"""Storage for uploaded files (ticket attachments): never public, always through an access check.

The host links attachments with ``attachment.file.url`` and expects the web server to publish
MEDIA_ROOT. For citizen data that is a leak: anyone with the link gets the file, in any
department. This storage keeps the files where they are but makes ``url()`` point to
``protected_file`` (views.py), which serves a file only to users who may see its ticket.
"""

from urllib.parse import quote

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class ProtectedFileStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        if not name:
            raise ValueError("This file is not stored.")
        return reverse("ulm_servicepoint:protected_file", args=[quote(name.replace("\\", "/"))])
