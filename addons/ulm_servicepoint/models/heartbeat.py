"""The worker's heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A sign of life written by the background worker: periodically, or on request (a ping)."""

    class Source(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        PING = "ping", _("Ping")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    token = models.CharField(_("token"), max_length=64, blank=True, db_index=True)
    worker_pid = models.IntegerField(_("worker process id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%d.%m.%Y %H:%M:%S}"
