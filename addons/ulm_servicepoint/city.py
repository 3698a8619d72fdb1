"""A real city's first start: ``manage.py init_city CONFIG.yaml`` (README "Production").

The configuration (YAML, example in ``config/city.example.yaml``) names the city, its service
center, its departments with their mail addresses, opening hours and heads, and the first
administrator. ``init_city`` makes the database say exactly that, in one transaction, as often as
it is run: a second run with the same file changes nothing. The platform sets up the queues, the
groups and the people; the other addons add their parts (opening hours, heads, roles) through
the ``city_initialised`` signal, inside the same transaction.

Without it the service center's queue does not exist and nothing can arrive: every entry point
then says so in one German sentence (``missing_setup``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import ProgrammingError, transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from helpdesk.models import Queue

from ulm_servicepoint import conf
from ulm_servicepoint.access import ADMIN_GROUP
from ulm_servicepoint.departments import setup_department, setup_service_center

# sent inside init_city's transaction with ``config`` (the checked CityConfig) and ``changes``
# (a list the receivers append their German lines to); a receiver raises CityConfigError to refuse
city_initialised = Signal()

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
USERNAME = re.compile(r"[\w.@+-]{1,150}")
MAX_CONFIG_BYTES = 1024 * 1024
ADMIN_PASSWORD_VARIABLE = "ULM_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a secret


class CityNotSetUp(RuntimeError):
    """Raised where the city is needed before it is set up; the web answers a German 503."""


class CityConfigError(ValueError):
    """The configuration cannot be used; the message names the entry and says why (German)."""


@dataclass(frozen=True)
class Person:
    username: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Department:
    title: str
    slug: str
    email: str = ""
    opening_hours: dict[str, str] = field(default_factory=dict)
    heads: tuple[Person, ...] = ()


@dataclass(frozen=True)
class CityConfig:
    city: str
    service_center: Department
    departments: tuple[Department, ...]
    admin: Person
    holiday_region: str = "BW"
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


# --- Reading and checking -----------------------------------------------------------------------
def read_config(path: str | Path) -> CityConfig:
    """The checked configuration from a YAML file; CityConfigError (German) for any fault."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_CONFIG_BYTES:
            raise CityConfigError(
                _("%(file)s is larger than 1 MB; a city's configuration is a few kilobytes.")
                % {"file": file}
            )
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CityConfigError(
            _("The configuration %(file)s cannot be read (%(reason)s).")
            % {"file": file, "reason": exc.__class__.__name__}
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (line %(line)s)") % {"line": mark.line + 1} if mark else ""
        raise CityConfigError(
            _("The configuration %(file)s is not valid YAML%(where)s.")
            % {"file": file, "where": where}
        ) from None
    return parse_config(data)


def _text(data: dict, key: str, where: str, required: bool = True, limit: int = 100) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise CityConfigError(
            _("%(where)s: “%(key)s” must be a text.") % {"where": where, "key": key}
        )
    value = str(value).strip()
    if required and not value:
        raise CityConfigError(_("%(where)s: “%(key)s” is missing.") % {"where": where, "key": key})
    if len(value) > limit:
        raise CityConfigError(
            _("%(where)s: “%(key)s” is longer than %(limit)s characters.")
            % {"where": where, "key": key, "limit": limit}
        )
    return value


def _email(data: dict, key: str, where: str, required: bool = False) -> str:
    value = _text(data, key, where, required=required, limit=254)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise CityConfigError(
                _("%(where)s: “%(value)s” is not an e-mail address.")
                % {"where": where, "value": value}
            ) from None
    return value


def _mapping(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CityConfigError(_("%(where)s must be a mapping (key: value).") % {"where": where})
    return value


def _person(data: Any, where: str) -> Person:
    if isinstance(data, str):
        data = {"username": data}
    data = _mapping(data, where)
    username = _text(data, "username", where, limit=150)
    if not USERNAME.fullmatch(username):
        raise CityConfigError(
            _("%(where)s: the user name “%(value)s” may hold letters, digits and . @ + - _ only.")
            % {"where": where, "value": username}
        )
    return Person(
        username, _text(data, "name", where, required=False), _email(data, "email", where)
    )


def _hours(value: Any, where: str) -> dict[str, str]:
    hours = _mapping(value, where)
    return {str(day): str(spec) for day, spec in hours.items()}


def _department(data: Any, where: str, slug_required: bool = True) -> Department:
    data = _mapping(data, where)
    title = _text(data, "title", where)
    slug = _text(data, "slug", where, required=slug_required, limit=50)
    if slug and not SLUG.fullmatch(slug):
        raise CityConfigError(
            _("%(where)s: the short name “%(value)s” may hold lower-case letters, digits and -.")
            % {"where": where, "value": slug}
        )
    heads = data.get("heads") or []
    if not isinstance(heads, list):
        raise CityConfigError(_("%(where)s: “heads” must be a list.") % {"where": where})
    return Department(
        title=title,
        slug=slug,
        email=_email(data, "email", where),
        opening_hours=_hours(data.get("opening_hours"), f"{where} › opening_hours"),
        heads=tuple(_person(h, f"{where} › heads[{i + 1}]") for i, h in enumerate(heads)),
    )


def parse_config(data: Any) -> CityConfig:
    """Checks a configuration already read (a dict); CityConfigError names the first fault."""
    data = _mapping(data, _("The configuration"))
    known = {"city", "holiday_region", "service_center", "departments", "admin"}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise CityConfigError(
            _("Unknown entries in the configuration: %(names)s (known: %(known)s).")
            % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}
        )
    where = _("The configuration")
    service_center = _department(data.get("service_center"), "service_center", slug_required=False)
    service_center = Department(
        title=service_center.title,
        slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"),
        email=service_center.email,
        opening_hours=service_center.opening_hours,
    )
    departments = data.get("departments") or []
    if not isinstance(departments, list):
        raise CityConfigError(_("“departments” must be a list."))
    parsed = tuple(_department(d, f"departments[{i + 1}]") for i, d in enumerate(departments))
    for attribute in ("slug", "title"):
        seen: set[str] = {getattr(service_center, attribute)}
        for i, department in enumerate(parsed):
            value = getattr(department, attribute)
            if value in seen:
                raise CityConfigError(
                    _("departments[%(n)s]: “%(value)s” is used twice.")
                    % {"n": i + 1, "value": value}
                )
            seen.add(value)
    if data.get("admin") is None:
        raise CityConfigError(_("%(where)s: “admin” is missing.") % {"where": where})
    return CityConfig(
        city=_text(data, "city", where),
        service_center=service_center,
        departments=parsed,
        admin=_person(data.get("admin"), "admin"),
        holiday_region=_text(data, "holiday_region", where, required=False, limit=4),
        raw=data,
    )


# --- Applying -----------------------------------------------------------------------------------
def _update_queue(queue: Queue, title: str, email: str, changes: list[str]) -> None:
    if queue.title != title or (queue.email_address or "") != email:
        Queue.objects.filter(pk=queue.pk).update(title=title, email_address=email or None)
        changes.append(_("Queue “%(title)s” updated.") % {"title": title})


def _queue(department: Department, changes: list[str], service_center: bool = False) -> Queue:
    existing = Queue.objects.filter(slug=department.slug).first()
    if existing is None:
        if service_center:
            queue = setup_service_center(department.title, department.email)
        else:
            queue = setup_department(department.title, department.slug, department.email)
        changes.append(_("Queue “%(title)s” created.") % {"title": department.title})
        return queue
    if not service_center and existing.title != department.title:
        # the department's group carries its title: renaming it keeps its members
        Group.objects.filter(name=existing.title).update(name=department.title)
    _update_queue(existing, department.title, department.email, changes)
    if not service_center:
        setup_department(department.title, department.slug, department.email)
    else:
        setup_service_center(department.title, department.email)
    existing.refresh_from_db()
    return existing


def ensure_person(person: Person, changes: list[str], superuser: bool = False) -> Any:
    """The account named in the configuration: created once (without a password unless the
    administrator's comes from ULM_ADMIN_PASSWORD), its name and address kept in step."""
    users = get_user_model()
    first, _sep, last = person.name.partition(" ")
    user = users.objects.filter(username=person.username).first()
    if user is None:
        password = os.environ.get(ADMIN_PASSWORD_VARIABLE) if superuser else None
        user = users.objects.create_user(
            username=person.username,
            email=person.email,
            password=password or None,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        changes.append(_("Account “%(user)s” created.") % {"user": person.username})
        if not password:
            changes.append(
                _("Set its password: python manage.py changepassword %(user)s")
                % {"user": person.username}
            )
        return user
    wanted = {"email": person.email or user.email, "is_staff": True}
    if person.name:
        wanted.update(first_name=first, last_name=last)
    if superuser:
        wanted["is_superuser"] = True
    if any(getattr(user, key) != value for key, value in wanted.items()):
        users.objects.filter(pk=user.pk).update(**wanted)
        changes.append(_("Account “%(user)s” updated.") % {"user": person.username})
    return user


@transaction.atomic
def init_city(config: CityConfig) -> list[str]:
    """Makes the database hold the configured city; returns what changed (German lines, empty
    when nothing did). All or nothing: a receiver's CityConfigError rolls everything back."""
    changes: list[str] = []
    _queue(config.service_center, changes, service_center=True)
    for department in config.departments:
        _queue(department, changes)
    admin_group, created = Group.objects.get_or_create(name=ADMIN_GROUP)
    if created:
        changes.append(_("Group “%(group)s” created.") % {"group": ADMIN_GROUP})
    admin = ensure_person(config.admin, changes, superuser=True)
    admin.groups.add(admin_group)
    for department in config.departments:
        for head in department.heads:
            ensure_person(head, changes)
    site = Site.objects.filter(pk=settings.SITE_ID).first()
    if site is not None and site.name != config.city:
        Site.objects.filter(pk=site.pk).update(name=config.city)
        changes.append(_("City name set to “%(city)s”.") % {"city": config.city})
    city_initialised.send(sender=CityConfig, config=config, changes=changes)
    return changes


def city_name_differs(config: CityConfig) -> bool:
    return conf.get("ULM_SERVICEPOINT_CITY_NAME") != config.city


# --- Is the city there? ------------------------------------------------------------------------
def missing_setup() -> str | None:
    """One German sentence on what is missing before the service center can work, or None.

    Asked by the web (a 503 page), the worker and ``manage.py``: an unmigrated database, or a
    database without the service center's queue (no ``init_city`` and no demo)."""
    try:
        ready = Queue.objects.filter(
            slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
        ).exists()
    except ProgrammingError:  # the table is missing; a server that is down is not this
        return _(
            "The database has no tables yet: run “python manage.py migrate”, then "
            "“python manage.py init_city CONFIG.yaml”."
        )
    if ready:
        return None
    return _(
        "The city is not set up yet (no service-center queue “%(queue)s”): run “python manage.py "
        "init_city CONFIG.yaml” (example: config/city.example.yaml), or “make run” for the demo."
    ) % {"queue": conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")}


class CitySetupMiddleware:
    """The web's side: a page that needs the city before it is set up (the citizens' form, the
    capture screen, the phone system's events …) fails on the missing service-center queue, or
    refuses with CityNotSetUp; instead of a server error it answers 503 with the German sentence
    of ``missing_setup`` (JSON for API clients). Nothing is asked per request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CityNotSetUp | Queue.DoesNotExist):
            return None
        missing = missing_setup()
        if not missing:
            return None
        from ulm_servicepoint.refusals import refuse

        response = refuse(request, missing, 503)
        response["Retry-After"] = "60"
        return response
