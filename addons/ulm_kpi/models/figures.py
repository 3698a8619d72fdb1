"""Pre-aggregated daily figures: what the dashboard, the exports and the monthly report sum over
instead of a million raw rows. The worker rebuilds them from the raw rows (figures.refresh); a
test holds them equal to the direct computation.

Each table is a small cube: every day is stored once per *grain*, a set of the dimensions
department, channel and request type kept apart (the others summed up). ``grain`` is the
bitmask of PostgreSQL's ``GROUPING()`` over (department, channel, request type): 0 keeps all
three apart, 7 is the day's total. A query reads the grain of exactly the dimensions it filters
or breaks down by, so a year's total reads 365 rows, not one row per combination."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

GRAIN_HELP = "bits of the dimensions summed up: 4 department, 2 channel, 1 request type"


class CubeRow(models.Model):
    """A day of one grain (see above): the dimensions every daily table shares."""

    day = models.DateField(_("day"))
    grain = models.PositiveSmallIntegerField(_("grain"), default=0, help_text=GRAIN_HELP)
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("department"),
    )
    channel = models.CharField(_("channel"), max_length=10)
    request_type = models.ForeignKey(
        "ulm_servicepoint.RequestType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("request type"),
    )

    class Meta:
        abstract = True


class DailyFigure(CubeRow):
    """The requests received on one day (Europe/Berlin) in one department, channel and request
    type: how many, how many resolved at first contact or answered with a knowledge item, per
    hour of the day, and the histograms of the minutes to the first answer and to the closure
    (buckets: figures.BUCKETS). Anonymous counter visits are rows of channel "counter"."""

    contacts = models.PositiveIntegerField(_("contacts"), default=0)
    visits = models.PositiveIntegerField(_("counter visits"), default=0)
    first_contact = models.PositiveIntegerField(_("resolved at first contact"), default=0)
    second_level = models.PositiveIntegerField(_("forwarded to a department"), default=0)
    with_item = models.PositiveIntegerField(_("answered with a knowledge item"), default=0)
    hours = ArrayField(models.PositiveIntegerField(), size=24, verbose_name=_("per hour"))
    first_response = ArrayField(models.PositiveIntegerField(), verbose_name=_("first answer"))
    resolution = ArrayField(models.PositiveIntegerField(), verbose_name=_("resolution"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [models.Index(fields=["grain", "day"], name="kpi_daily_grain_day")]
        permissions = [
            ("view_kpis", _("Can see the key figures of the whole service center")),
            ("review_quality", _("Can review the quality of answers (quality sampling)")),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}"


class DailyHandoffs(CubeRow):
    """The handoffs forwarded on one day to one department, for requests of one channel and
    type: how many, their feedback on time or late, and the returns as "not responsible".
    Handoffs still open are counted live (they may become overdue at any minute)."""

    # always kept apart: the grain's department bit is never set
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        verbose_name=_("department"),
    )
    total = models.PositiveIntegerField(_("handoffs"), default=0)
    on_time = models.PositiveIntegerField(_("feedback on time"), default=0)
    late = models.PositiveIntegerField(_("feedback late"), default=0)
    not_responsible = models.PositiveIntegerField(_("not responsible"), default=0)

    class Meta:
        verbose_name = _("daily handoff figure")
        verbose_name_plural = _("daily handoff figures")
        indexes = [models.Index(fields=["grain", "day"], name="kpi_handoffs_grain_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DailyRatings(CubeRow):
    """The citizens' ratings given on one day (ulm_channels' SatisfactionRating), for requests of
    one department, channel and request type: how many per level 1–5, and how many with a
    comment. Anonymous: no ticket, no text."""

    levels = ArrayField(models.PositiveIntegerField(), size=5, verbose_name=_("per level"))
    comments = models.PositiveIntegerField(_("with a comment"), default=0)

    class Meta:
        verbose_name = _("daily rating figure")
        verbose_name_plural = _("daily rating figures")
        indexes = [models.Index(fields=["grain", "day"], name="kpi_ratings_grain_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.levels}"


class DailyCalls(models.Model):
    """The inbound calls of one day (the phone system's log): ended or answered, answered, and
    answered within the target seconds (the setting at the time of the rebuild)."""

    day = models.DateField(_("day"), unique=True)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)
    in_time = models.PositiveIntegerField(_("answered in time"), default=0)

    class Meta:
        verbose_name = _("daily call figure")
        verbose_name_plural = _("daily call figures")

    def __str__(self) -> str:
        return str(self.day)


class DailyItemUse(CubeRow):
    """How often a knowledge item was given on one day, in requests of one department, channel
    and request type (ulm_knowledge's AnswerUse)."""

    kbitem = models.ForeignKey(
        "helpdesk.KBItem",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        verbose_name=_("knowledge item"),
    )
    uses = models.PositiveIntegerField(_("uses"), default=0)

    class Meta:
        verbose_name = _("daily use of a knowledge item")
        verbose_name_plural = _("daily uses of knowledge items")
        indexes = [models.Index(fields=["grain", "day"], name="kpi_item_uses_grain_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kbitem_id}"


class Refresh(models.Model):
    """When the worker last rebuilt the daily figures, and from which day on."""

    finished_at = models.DateTimeField(_("finished at"))
    since = models.DateField(_("rebuilt from"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"))
    # open knowledge gaps at the time of the rebuild: {"all": n, "<queue id>": n}
    gaps = models.JSONField(_("open knowledge gaps"), default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at"]
        verbose_name = _("rebuild of the figures")
        verbose_name_plural = _("rebuilds of the figures")

    def __str__(self) -> str:
        return str(self.finished_at)
