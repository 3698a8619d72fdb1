"""Business calendars: opening hours per weekday, public holidays, the city's closing days."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HolidayRegion(models.TextChoices):
    """German states as the holiday library names them (subdivisions of DE); their names are
    proper names, written in German in every language."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class BusinessCalendar(models.Model):
    """When the city works: opening hours per weekday, the public holidays of a German state and
    the city's own closing days. A calendar may belong to a department (its queue); the default
    calendar counts for everything else. Times are wall-clock times in Europe/Berlin."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    queue = models.OneToOneField(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_calendar",
        verbose_name=_("department"),
        help_text=_("The department whose opening hours these are (empty: not a department's)."),
    )
    is_default = models.BooleanField(
        _("default calendar"),
        default=False,
        help_text=_("Counts for every department without a calendar of its own."),
    )
    holiday_region = models.CharField(
        _("public holidays of"),
        max_length=4,
        choices=HolidayRegion.choices,
        default=HolidayRegion.BW,
        blank=True,
        help_text=_("Empty: no public holidays."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="routing_one_default_calendar",
                violation_error_message=_("There is already a default calendar."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval on a weekday; several per day are allowed (e.g. 8–12 and 14–18).
    A closing time of 00:00 means midnight at the end of the day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["calendar", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is None or self.closes is None:
            return
        midnight = self.closes.hour == 0 and self.closes.minute == 0
        if not midnight and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class ClosingKind(models.TextChoices):
    DATE = "date", _("On one date")
    YEARLY = "yearly", _("Every year on the same day")
    NTH_WEEKDAY = "nth_weekday", _("Every year on a weekday of a month")


class ClosingDay(models.Model):
    """A day the city closes, in full or in part (opens later / closes earlier): once, every
    year on the same date (24 December), or every year on the n-th weekday of a month, counted
    from the end when negative (Ulm's Schwörmontag: the second-to-last Monday of July, -2)."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="closing_days",
        verbose_name=_("calendar"),
    )
    name = models.CharField(_("Name"), max_length=100)
    kind = models.CharField(
        _("recurs"), max_length=12, choices=ClosingKind.choices, default=ClosingKind.DATE
    )
    date = models.DateField(_("date"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    nth = models.SmallIntegerField(
        _("which one"),
        null=True,
        blank=True,
        help_text=_("1 = first, 2 = second …; -1 = last, -2 = second-to-last."),
    )
    open_from = models.TimeField(
        _("open from"), null=True, blank=True, help_text=_("Empty: opens as usual.")
    )
    open_until = models.TimeField(
        _("open until"),
        null=True,
        blank=True,
        help_text=_("Empty: closes as usual. Both empty: closed all day."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["calendar", "kind", "month", "day", "date"]
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")

    def __str__(self) -> str:
        return self.name

    @property
    def closed_all_day(self) -> bool:
        return self.open_from is None and self.open_until is None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == ClosingKind.DATE and self.date is None:
            errors["date"] = _("Enter the date.")
        if self.kind in (ClosingKind.YEARLY, ClosingKind.NTH_WEEKDAY) and not (
            self.month and 1 <= self.month <= 12
        ):
            errors["month"] = _("Enter a month from 1 to 12.")
        if self.kind == ClosingKind.YEARLY and not (self.day and 1 <= self.day <= 31):
            errors["day"] = _("Enter a day from 1 to 31.")
        if self.kind == ClosingKind.NTH_WEEKDAY:
            if self.weekday is None:
                errors["weekday"] = _("Choose the weekday.")
            if self.nth is None or self.nth == 0 or not -5 <= self.nth <= 5:
                errors["nth"] = _("Enter 1 to 5, or -1 to -5 to count from the end of the month.")
        if self.open_from and self.open_until and self.open_until <= self.open_from:
            errors["open_until"] = _("“Open until” must be after “open from”.")
        if errors:
            raise ValidationError(errors)
