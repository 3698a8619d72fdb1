"""The isolation matrix: every URL pattern of the project (ours, the host's with its API, the
admin), tried by every role against its own department's objects and a foreign department's.
Expected: zero leaks.

How it works. ``url_patterns()`` walks Django's URL resolver (through every include and
namespace). ``MATRIX`` below says, for each pattern, who may use it (the codes under
"Access"). The test fails when a pattern is not in ``MATRIX`` (a new URL must be classified) or
when ``MATRIX`` lists one that no longer exists. For every pattern and every role it

1. GETs the page, with the ids in the URL filled from department A's objects and then from
   department B's (ticket, follow-up, attachment, CC, dependency, checklist, handoff, callback,
   citizen link, quality sample, report, saved view …; see ``Objects.kwargs``), and once mixed
   (the ticket of the role's own department with the other ids from the foreign one);
2. asserts that no response carries a marker of data the role may not see: each department's
   personal data carries a marker (the citizen's name and address, the follow-up, the file, the
   callback), its key-figure report another; a role may see the markers of its own departments
   only (``ROLES``);
3. asserts the status the access code expects (refused: 401/403/404, or a redirect to a login);
4. POSTs an empty body (or, for the patterns in ``MINIMAL_BODIES``, one naming the foreign
   objects: close, assign, comment) to the foreign department's objects (as ``POST_ROLES``: a
   clerk of each department and the data-protection officer; the other roles without tickets
   pass the same check) and to every pattern without ids (as the clerk of A), and asserts that
   the foreign department's objects are unchanged.

A format suffix (``….json``) is the same view as the pattern without it: ``FORMAT_ROLES`` try
it. The admin's pages of a model other than its list are tried by the anonymous visitor, a
clerk and the roles holding a permission on the model (``_admin_page_tried``).

Adding a URL: run the test; it names the unclassified pattern (its route, as the resolver
prints it). Add a line to ``MATRIX`` with one access code. If its URL has a keyword argument
the test does not know yet, add it to ``Objects.kwargs`` (an object of each department, so the
foreign case is tried). A model registered in the admin is one line ``"admin/<app>/<model>/*"``
(all of its admin pages: list, add, change, history, delete and the admin's own extra pages).

Access codes:
- ``PUBLIC``: anyone, also without login (citizens' pages, login, health).
- ``LOGIN``: staff only (anonymous refused); what a staff member sees there is limited by the
  leak check (a list shows only what the role may see).
- ``OWN``: an object named in the URL: anonymous refused; a role allowed for the object's
  department gets it; for a foreign department no data (and no change).
- ``TOKEN``: a citizen's private link (the token is the access): no login, the token's own
  objects only.
- ``SUPERUSER``: the admins only.
- ``ADMIN_MODEL``: an admin page of a model: whoever holds a permission on the model.
- ``KPI``: who may see key figures (``ulm_kpi.services.may_see_kpis``).
- ``QUALITY``: permission ``ulm_kpi.review_quality``.
- ``PRIVACY``: permission ``ulm_privacy.handle_data_requests`` (Art. 15 and 17); ``AUDIT``:
  permission ``ulm_privacy.view_audit_log``. Their holders may see every department's citizens
  there.
- ``OFF``: switched off, refused to everyone (listed in the README).
- ``ANY``: no status expected (the session's own pages: logout, language, password forms);
  the leak and no-change checks apply as everywhere.

Runs in one database set-up (the demo city with its routing, loaded once): about 4,000
requests, 57–88 s on the 2-core development machine (under load from other test runs).
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from helpdesk.models import (
    Checklist,
    ChecklistTemplate,
    FollowUp,
    FollowUpAttachment,
    IgnoreEmail,
    KBCategory,
    KBItem,
    Queue,
    SavedSearch,
    Ticket,
    TicketCC,
    TicketDependency,
)

from tests.support.routing import SPERRMUELL

pytestmark = pytest.mark.django_db

PUBLIC, LOGIN, OWN, TOKEN = "public", "login", "own", "token"
SUPERUSER, ADMIN_MODEL, KPI, QUALITY, OFF, ANY = (
    "superuser",
    "admin-model",
    "kpi",
    "quality",
    "off",
    "any",
)
PRIVACY, AUDIT = "privacy", "audit"
# the data-protection officer's pages: their permission, and they may show any citizen's data
# to its holders (answering Art. 15 and 17 means seeing every department's citizens)
OFFICER_PERMISSIONS = {
    PRIVACY: "ulm_privacy.handle_data_requests",
    AUDIT: "ulm_privacy.view_audit_log",
}

# fmt: off
MATRIX: dict[str, str] = {
    "": PUBLIC,  # root: to the request types
    # --- the host (django-helpdesk), each view behind ulm_servicepoint.host_guard ----------
    "helpdesk/": PUBLIC,  # home: citizens to our contact form, staff to their list
    "helpdesk/dashboard/": LOGIN,
    "helpdesk/tickets/": LOGIN,
    "helpdesk/tickets/update/": LOGIN,  # mass update (POST)
    "helpdesk/tickets/merge": LOGIN,
    "helpdesk/tickets/<int:ticket_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/followup_edit/<int:followup_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/followup_delete/<int:followup_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/edit/": OWN,
    "helpdesk/tickets/<int:ticket_id>/update/": OWN,
    "helpdesk/tickets/<int:ticket_id>/delete/": OWN,
    "helpdesk/tickets/<int:ticket_id>/hold/": OWN,
    "helpdesk/tickets/<int:ticket_id>/unhold/": OWN,
    "helpdesk/tickets/<int:ticket_id>/cc/": OWN,
    "helpdesk/tickets/<int:ticket_id>/cc/add/": OWN,
    "helpdesk/tickets/<int:ticket_id>/cc/delete/<int:cc_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/resolves/add/": OWN,
    "helpdesk/tickets/<int:ticket_id>/resolves/delete/<int:dependency_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/attachment_delete/<int:attachment_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/attachment_preview/<int:attachment_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/checklists/<int:checklist_id>/": OWN,
    "helpdesk/tickets/<int:ticket_id>/checklists/<int:checklist_id>/delete/": OWN,
    "helpdesk/tickets/<int:ticket_id>/kanban-update/": OWN,
    "helpdesk/tickets/<int:ticket_id>/dependency/add/": OWN,
    "helpdesk/tickets/<int:ticket_id>/dependency/delete/<int:dependency_id>/": OWN,
    "helpdesk/^raw/(?P<type_>\\w+)/$": LOGIN,
    "helpdesk/rss/": LOGIN,
    "helpdesk/^rss/user/(?P<user_name>[^/]+)/": LOGIN,
    "helpdesk/^rss/user/(?P<user_name>[^/]+)/(?P<queue_slug>[A-Za-z0-9_-]+)/$": LOGIN,
    "helpdesk/^rss/queue/(?P<queue_slug>[A-Za-z0-9_-]+)/$": LOGIN,
    "helpdesk/rss/unassigned/": LOGIN,
    "helpdesk/rss/recent_activity/": LOGIN,
    "helpdesk/reports/": LOGIN,
    "helpdesk/reports/<slug:report>/": LOGIN,
    "helpdesk/saved-searches/": LOGIN,
    "helpdesk/save_query/": LOGIN,
    "helpdesk/delete_query/<int:pk>/": LOGIN,  # someone else's saved query: no change
    "helpdesk/settings/": LOGIN,
    "helpdesk/ignore/": SUPERUSER,
    "helpdesk/ignore/add/": SUPERUSER,
    "helpdesk/ignore/delete/<int:item_id>/": SUPERUSER,
    "helpdesk/checklist-templates/": LOGIN,
    "helpdesk/checklist-templates/<int:checklist_template_id>/": LOGIN,
    "helpdesk/checklist-templates/<int:checklist_template_id>/delete/": LOGIN,
    "helpdesk/^datatables_ticket_list/(?P<query>(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$)$": LOGIN,  # noqa: E501
    "helpdesk/^timeline_ticket_list/(?P<query>(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$)$": LOGIN,  # noqa: E501
    "helpdesk/tickets/my-tickets/": LOGIN,
    "helpdesk/tickets/submit/": ANY,  # citizens: to our contact form; staff: to capture
    "helpdesk/tickets/submit_iframe/": ANY,  # to our contact form
    "helpdesk/tickets/success_iframe/": ANY,  # to our contact form
    "helpdesk/view/": PUBLIC,  # the host's lookup: a ticket needs its reference and e-mail
    "helpdesk/change_language/": PUBLIC,
    "helpdesk/kanban/": LOGIN,
    "helpdesk/kb/": PUBLIC,
    "helpdesk/kb/<slug:slug>/": ANY,  # a KB category: public or staff with its queue
    "helpdesk/kb_iframe/<slug:slug>/": ANY,
    "helpdesk/kb/<int:item_id>/vote/<str:vote>/": ANY,
    "helpdesk/api/^tickets/$": LOGIN,
    "helpdesk/api/^tickets\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/^tickets/(?P<pk>[^/.]+)/$": OWN,
    "helpdesk/api/^tickets/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": OWN,
    "helpdesk/api/^user_tickets/$": LOGIN,
    "helpdesk/api/^user_tickets\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/^user_tickets/(?P<pk>[^/.]+)/$": LOGIN,  # a citizen's own tickets (none of staff)
    "helpdesk/api/^user_tickets/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/^followups/$": LOGIN,
    "helpdesk/api/^followups\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/^followups/(?P<pk>[^/.]+)/$": OWN,
    "helpdesk/api/^followups/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": OWN,
    "helpdesk/api/^followups-attachments/$": LOGIN,
    "helpdesk/api/^followups-attachments\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/^followups-attachments/(?P<pk>[^/.]+)/$": OWN,
    "helpdesk/api/^followups-attachments/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": OWN,
    "helpdesk/api/^users/$": LOGIN,
    "helpdesk/api/^users\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "helpdesk/api/": LOGIN,
    "helpdesk/api/<drf_format_suffix:format>": LOGIN,
    "helpdesk/login/": PUBLIC,
    "helpdesk/logout/": ANY,
    "helpdesk/password_change/": LOGIN,
    "helpdesk/password_change/done/": LOGIN,
    "helpdesk/password-reset/": PUBLIC,
    "helpdesk/password-reset/done/": PUBLIC,
    "helpdesk/password-reset/<uidb64>/<token>/": PUBLIC,
    "helpdesk/password-reset-complete/": PUBLIC,
    "helpdesk/help/context/": PUBLIC,
    "helpdesk/system_settings/": LOGIN,
    # --- the admin ----------------------------------------------------------------------
    "admin/": LOGIN,  # staff see the models they hold permissions on
    "admin/login/": PUBLIC,
    "admin/logout/": ANY,
    "admin/password_change/": LOGIN,
    "admin/password_change/done/": LOGIN,
    "admin/autocomplete/": ANY,  # answers only for fields of models the user may see
    "admin/jsi18n/": ANY,
    "admin/r/<path:content_type_id>/<path:object_id>/": ANY,  # a redirect to the object's page
    "admin:app_list": ANY,  # an app's models the user holds permissions on
    "admin/(?P<url>.*)$": ANY,  # the admin's catch-all: 404 or the login
    "admin/ulm_servicepoint/workerheartbeat/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/requesttype/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/captureschema/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/citizen/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/caserecord/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/archiveoffer/*": ADMIN_MODEL,
    "admin/ulm_servicepoint/countervisit/*": ADMIN_MODEL,
    "admin/ulm_knowledge/service/*": ADMIN_MODEL,
    "admin/ulm_knowledge/answer/*": ADMIN_MODEL,
    "admin/ulm_knowledge/synonym/*": ADMIN_MODEL,
    "admin/ulm_knowledge/itemversion/*": ADMIN_MODEL,
    "admin/ulm_knowledge/answeruse/*": ADMIN_MODEL,
    "admin/ulm_knowledge/suggestionfeedback/*": ADMIN_MODEL,
    "admin/ulm_routing/businesscalendar/*": ADMIN_MODEL,
    "admin/ulm_routing/slapolicy/*": ADMIN_MODEL,
    "admin/ulm_routing/absence/*": ADMIN_MODEL,
    "admin/ulm_routing/ruleset/*": ADMIN_MODEL,
    "admin/ulm_routing/rule/*": ADMIN_MODEL,
    "admin/ulm_routing/ruleversion/*": ADMIN_MODEL,
    "admin/ulm_routing/routingrecord/*": ADMIN_MODEL,
    "admin/ulm_routing/plannednotification/*": ADMIN_MODEL,
    "admin/ulm_routing/ticketsla/*": ADMIN_MODEL,
    "admin/ulm_routing/clockpause/*": ADMIN_MODEL,
    "admin/ulm_routing/departmentsettings/*": ADMIN_MODEL,
    "admin/ulm_routing/intakepolicy/*": ADMIN_MODEL,
    "admin/ulm_routing/handoff/*": ADMIN_MODEL,
    "admin/ulm_routing/callback/*": ADMIN_MODEL,
    "admin/ulm_routing/escalation/*": ADMIN_MODEL,
    "admin/ulm_channels/heldsubmission/*": ADMIN_MODEL,
    "admin/ulm_channels/call/*": ADMIN_MODEL,
    "admin/ulm_channels/mailbox/*": ADMIN_MODEL,
    "admin/ulm_channels/inboundmail/*": ADMIN_MODEL,
    "admin/ulm_channels/outboundmail/*": ADMIN_MODEL,
    "admin/ulm_channels/undeliverableaddress/*": ADMIN_MODEL,
    "admin/ulm_channels/satisfactionrating/*": ADMIN_MODEL,
    "admin/auth/group/*": ADMIN_MODEL,
    "admin/auth/user/*": ADMIN_MODEL,
    "admin/sites/site/*": ADMIN_MODEL,
    "admin/axes/accessattempt/*": ADMIN_MODEL,
    "admin/axes/accesslog/*": ADMIN_MODEL,
    "admin/axes/accessfailurelog/*": ADMIN_MODEL,
    "admin/helpdesk/queue/*": ADMIN_MODEL,
    "admin/helpdesk/ticket/*": ADMIN_MODEL,
    "admin/helpdesk/followup/*": ADMIN_MODEL,
    "admin/helpdesk/kbitem/*": ADMIN_MODEL,
    "admin/helpdesk/kbcategory/*": ADMIN_MODEL,
    "admin/helpdesk/customfield/*": ADMIN_MODEL,
    "admin/helpdesk/emailtemplate/*": ADMIN_MODEL,
    "admin/helpdesk/ignoreemail/*": ADMIN_MODEL,
    "admin/helpdesk/checklisttemplate/*": ADMIN_MODEL,
    "admin/helpdesk/checklist/*": ADMIN_MODEL,
    "admin/helpdesk/presetreply/*": ADMIN_MODEL,
    "admin/helpdesk/escalationexclusion/*": ADMIN_MODEL,
    # --- ulm_servicepoint -----------------------------------------------------------------
    "i18n/setlang/": ANY,
    "healthz": PUBLIC,
    "ulm/worker-ping/": ANY,  # the worker's heartbeat (POST with a secret)
    "dateien/<path:name>": OWN,  # stored uploads: a ticket's attachment follows its ticket
    "helpdesk/erfassen/": LOGIN,
    "helpdesk/auskunft/": LOGIN,
    "helpdesk/erfassen/<slug:slug>/": LOGIN,
    "helpdesk/schalter/": LOGIN,
    "helpdesk/fall/<int:ticket_id>/werte/": OWN,
    "helpdesk/arbeitsliste/": LOGIN,
    "helpdesk/arbeitsliste/sammel/": LOGIN,
    "helpdesk/arbeitsliste/ansicht/": LOGIN,
    "helpdesk/arbeitsliste/ansicht/<int:view_id>/loeschen/": LOGIN,  # someone else's: no change
    "api/servicepoint/^anliegenarten/$": LOGIN,
    "api/servicepoint/^anliegenarten\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "api/servicepoint/^anliegenarten/(?P<slug>[^/.]+)/$": LOGIN,
    "api/servicepoint/^anliegenarten/(?P<slug>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "api/servicepoint/^anliegen/$": LOGIN,
    "api/servicepoint/^anliegen\\.(?P<format>[a-z0-9]+)/?$": LOGIN,
    "api/servicepoint/^anliegen/(?P<ticket_id>[^/.]+)/$": OWN,
    "api/servicepoint/^anliegen/(?P<ticket_id>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": OWN,
    "api/servicepoint/": LOGIN,
    "api/servicepoint/<drf_format_suffix:format>": LOGIN,
    "api/servicepoint/schema/": LOGIN,
    "helpdesk/sichtung/": LOGIN,
    "helpdesk/sichtung/<int:ticket_id>/": OWN,
    # --- ulm_channels ---------------------------------------------------------------------
    "anliegen/": PUBLIC,
    "anliegen/<slug:slug>/": PUBLIC,
    "kontakt/": PUBLIC,
    "kontakt/bestaetigung/<str:token>/": ANY,
    "kontakt/eingebettet/": PUBLIC,
    "kontakt/eingebettet/bestaetigung/<str:token>/": ANY,
    "mein-anliegen/<uuid:token>/": TOKEN,
    "mein-anliegen/<uuid:token>/datei/<int:attachment_id>/": TOKEN,
    "mein-anliegen/<uuid:token>/bewertung/": TOKEN,
    "mein-anliegen/<uuid:token>/bewertung/danke/": TOKEN,
    "barrierefreiheit/": PUBLIC,
    "telefon/": LOGIN,
    "telefon/ereignis/": ANY,  # the phone system's events (POST with a secret)
    # --- ulm_knowledge --------------------------------------------------------------------
    "api/v1/knowledge/search/": PUBLIC,
    "api/v1/knowledge/services/": PUBLIC,
    "api/v1/knowledge/services/<uuid:uuid>/": ANY,
    "api/v1/knowledge/answers/": PUBLIC,
    "api/v1/knowledge/schema/": PUBLIC,
    "dienstleistungen/": PUBLIC,
    "dienstleistungen/vorschlaege/": PUBLIC,
    "dienstleistungen/rueckmeldung/": ANY,
    "dienstleistungen/<uuid:uuid>/": ANY,
    "dienstleistungen/<slug:slug>/": ANY,
    "wissen/antwort/<int:kbitem_id>/": LOGIN,
    "wissen/luecken/": LOGIN,
    "wissen/ticket/<int:ticket_id>/entwurf/": OWN,
    "wissen/ticket/<int:ticket_id>/antwort/<int:kbitem_id>/": OWN,
    # --- ulm_routing ----------------------------------------------------------------------
    "helpdesk/fall/<int:ticket_id>/weiterleiten/": OWN,
    "helpdesk/weiterleitung/<uuid:uuid>/<slug:action>/": OWN,
    "helpdesk/abteilung/": LOGIN,
    "helpdesk/weiterleitungen/": LOGIN,
    "helpdesk/rueckrufe/neu/": LOGIN,
    "helpdesk/rueckrufe/<uuid:uuid>/<slug:action>/": OWN,
    # --- ulm_kpi --------------------------------------------------------------------------
    "helpdesk/kennzahlen/": KPI,
    "helpdesk/kennzahlen/export.<slug:fmt>": KPI,
    "helpdesk/kennzahlen/berichte/": KPI,
    "helpdesk/kennzahlen/berichte/<int:report_id>/pdf/": KPI,
    "helpdesk/qualitaet/": QUALITY,
    "helpdesk/qualitaet/meine/": LOGIN,
    "helpdesk/qualitaet/<int:sample_id>/": QUALITY,
    # --- data protection (ulm_privacy) ----------------------------------------------------
    "helpdesk/datenschutz/protokoll/": AUDIT,
    "helpdesk/datenschutz/protokoll/export.csv": AUDIT,
    "helpdesk/datenschutz/auskunft/": PRIVACY,
    "helpdesk/datenschutz/auskunft/anfordern/": PRIVACY,
    "helpdesk/datenschutz/auskunft/<uuid:uuid>/zip/": PRIVACY,
    "helpdesk/datenschutz/auskunft/buerger/<uuid:uuid>/loeschen/": PRIVACY,
}
# fmt: on

ADMIN_MODEL_ROUTE = re.compile(r"^admin/(\w+)/(\w+)/")


def _admin_models() -> set[str]:
    return {f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry}


def url_patterns() -> list[tuple[str, str, str]]:
    """Every URL pattern as (key in MATRIX, full name, full route), through every include."""
    models = _admin_models()
    found: list[tuple[str, str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
                continue
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            if not pattern.name and namespace:
                name = f"{namespace}:"
            match = ADMIN_MODEL_ROUTE.match(route)
            if match and f"{match[1]}/{match[2]}" in models:
                key = f"admin/{match[1]}/{match[2]}/*"
            elif name == "admin:app_list":
                key = name  # its route lists the installed apps
            else:
                key = route
            found.append((key, name, route))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_pattern_is_classified():
    keys = {key for key, _name, _pattern in url_patterns()}
    unlisted = sorted(keys - set(MATRIX))
    assert not unlisted, (
        "URL patterns without an entry in MATRIX (classify each, see the docstring): "
        + ", ".join(unlisted)
    )
    gone = sorted(set(MATRIX) - keys)
    assert not gone, "MATRIX lists patterns that no longer exist: " + ", ".join(gone)


# --- The roles and their objects ------------------------------------------------------------
MARKS = {"A": "Qwortel", "B": "Zyxoneb"}  # personal data of each department's citizen
FIGURES = {"A": "KENNZAHLEN-7731A", "B": "KENNZAHLEN-7731B"}  # its department's report
DEPARTMENTS = {"A": "kfz-zulassung", "B": "abfallwirtschaft"}


@dataclass
class Role:
    name: str
    username: str | None  # None: anonymous
    personal: set[str] = field(default_factory=set)  # departments whose citizens it may see
    figures: set[str] = field(default_factory=set)  # departments whose key figures it may see


ROLES = [
    Role("anonymous", None),
    Role("agent", "anna.agentin", {"A", "B"}),
    Role("lead", "lena.leitung", {"A", "B"}, {"A", "B"}),
    Role("clerk_a", "karl.kfz", {"A"}),
    Role("clerk_b", "berta.abfall", {"B"}),
    Role("head_a", "kfz-zulassung.leitung", set(), {"A"}),
    Role("knowledge", "wilma.wissen"),
    Role("dpo", "dora.datenschutz"),
    Role("management", "vera.verwaltung", set(), {"A", "B"}),
    Role("admin", "admin", {"A", "B"}, {"A", "B"}),
]


def _person(username: str, groups: list[str]) -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users.objects.create_user(username, f"{username}@ulm.example", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


class Objects:
    """One department's objects, each carrying the department's marker where it holds data."""

    def __init__(self, key: str, agent: Any, clerk: Any) -> None:
        from ulm_channels.services import citizen_link
        from ulm_kpi.models import MonthlyReport, QualitySample, QualityWeek
        from ulm_routing.models import Callback, Handoff
        from ulm_servicepoint.models import RequestType, SavedView
        from ulm_servicepoint.services import CitizenData, Outcome, capture_request

        mark = MARKS[key]
        self.key, self.mark = key, mark
        self.queue = Queue.objects.get(slug=DEPARTMENTS[key])
        kind, values = (
            ("kfz-zulassung", {"vorgang": "Wunschkennzeichen", "kennzeichen": "UL-QW 1"})
            if key == "A"
            else ("sperrmuell-abholung", SPERRMUELL)
        )
        self.request_type = RequestType.objects.get(slug=kind)
        case = capture_request(
            self.request_type,
            values,
            channel="phone",
            citizen=CitizenData(
                name=f"Ottilie {mark}", email=f"ottilie.{mark.lower()}@example.org"
            ),
            captured_by=agent,
            outcome=Outcome.FORWARD,
            title=f"Anliegen von Ottilie {mark}",
            forward_to=self.queue,
        )
        self.case = case
        self.ticket = Ticket.objects.get(pk=case.ticket_id)
        assert self.ticket.queue == self.queue
        self.citizen = case.citizen
        self.followup = FollowUp.objects.create(
            ticket=self.ticket, title="Notiz", comment=f"Rückruf bei {mark}", public=True
        )
        self.attachment = FollowUpAttachment(
            followup=self.followup, filename=f"{mark}.txt", mime_type="text/html", size=20
        )
        self.attachment.file.save(f"{mark}.txt", ContentFile(f"<p>Anhang {mark}</p>".encode()))
        self.cc = TicketCC.objects.create(
            ticket=self.ticket, email=f"cc.{mark.lower()}@example.org"
        )
        other = Ticket.objects.create(title="Zweitanliegen", queue=self.queue)
        self.dependency = TicketDependency.objects.create(ticket=self.ticket, depends_on=other)
        self.checklist = Checklist.objects.create(ticket=self.ticket, name=f"Liste {mark}")
        self.handoff = Handoff.objects.filter(ticket=self.ticket).first()
        assert self.handoff is not None
        now = timezone.now()
        self.callback = Callback.objects.create(
            caller_name=f"Ottilie {mark}",
            phone="0731 123",
            subject=f"Rückruf {mark}",
            department=self.queue,
            ticket=self.ticket,
            window_start=now,
            window_end=now + timedelta(hours=4),
        )
        self.token = citizen_link(self.ticket).token
        week, _new = QualityWeek.objects.get_or_create(
            week_start=date(2026, 11, 23), defaults={"sample_size": 2}
        )
        self.sample = QualitySample.objects.create(
            week=week,
            ticket=self.ticket,
            agent=agent,
            team="Servicecenter",
            kind="forward",
        )
        self.report = MonthlyReport.objects.create(
            month=date(2026, 11, 1), department=self.queue, state=MonthlyReport.State.DONE
        )
        self.report.file.save(f"{mark}.pdf", ContentFile(f"%PDF-1.4 {FIGURES[key]}".encode()))
        self.view = SavedView.objects.create(user=clerk, name=f"Ansicht {mark}", query="")
        self.search = SavedSearch.objects.create(
            user=clerk, title=f"Suche {mark}", query="e30=", shared=False
        )
        self.clerk = clerk

    def admin_object(self, app_model: str) -> Any:
        return {
            "helpdesk/ticket": self.ticket.pk,
            "helpdesk/followup": self.followup.pk,
            "helpdesk/checklist": self.checklist.pk,
            "ulm_servicepoint/citizen": self.citizen.pk if self.citizen else 0,
            "ulm_servicepoint/caserecord": self.case.pk,
            "ulm_routing/handoff": self.handoff.pk,
            "ulm_routing/callback": self.callback.pk,
            "auth/user": self.clerk.pk,
        }.get(app_model)

    def kwargs(self, key: str, names: list[str], shared: Shared) -> dict[str, Any]:
        """The URL's keyword arguments filled with this department's objects."""
        values: dict[str, Any] = {}
        for name in names:
            if name == "ticket_id":
                values[name] = self.ticket.pk
            elif name == "followup_id":
                values[name] = self.followup.pk
            elif name == "attachment_id":
                values[name] = self.attachment.pk
            elif name == "cc_id":
                values[name] = self.cc.pk
            elif name == "dependency_id":
                values[name] = self.dependency.pk
            elif name == "checklist_id":
                values[name] = self.checklist.pk
            elif name == "pk":
                values[name] = (
                    self.search.pk
                    if "delete_query" in key
                    else self.followup.pk
                    if "followups/" in key or "followups\\." in key
                    else self.attachment.pk
                    if "attachments" in key
                    else self.ticket.pk
                )
            elif name == "token":
                values[name] = self.token if "mein-anliegen" in key else "unbekannt"
            elif name == "uuid":
                values[name] = (
                    self.handoff.uuid
                    if "weiterleitung" in key
                    else self.callback.uuid
                    if "rueckrufe" in key
                    else self.citizen.uuid
                    if "auskunft/buerger" in key and self.citizen
                    else uuid.UUID(int=1)
                )
            elif name == "action":
                values[name] = "erledigt" if "rueckrufe" in key else "uebernehmen"
            elif name == "view_id":
                values[name] = self.view.pk
            elif name == "report_id":
                values[name] = self.report.pk
            elif name == "sample_id":
                values[name] = self.sample.pk
            elif name == "name":
                values[name] = self.attachment.file.name
            elif name == "user_name":
                values[name] = self.clerk.username
            elif name == "queue_slug":
                values[name] = self.queue.slug
            elif name == "slug":
                values[name] = shared.category.slug if "kb" in key else self.request_type.slug
            elif name == "kbitem_id" or (name == "item_id" and "kb/" in key):
                values[name] = shared.kbitem.pk
            elif name == "item_id":
                values[name] = shared.ignore.pk
            elif name == "checklist_template_id":
                values[name] = shared.template.pk
            elif name == "vote":
                values[name] = "up"
            elif name == "type_":
                values[name] = "ticket"
            elif name == "report":
                values[name] = "queuestatus"
            elif name == "query":
                values[name] = base64.b64encode(b"{}").decode()
            elif name == "format":
                values[name] = "json"
            elif name == "fmt":
                values[name] = "csv"
            elif name == "uidb64":
                values[name] = "MQ"
            elif name == "content_type_id":
                from django.contrib.contenttypes.models import ContentType

                values[name] = ContentType.objects.get_for_model(Ticket).pk
            elif name == "object_id":
                model = ADMIN_MODEL_ROUTE.match(key)
                chosen = self.admin_object(f"{model[1]}/{model[2]}") if model else None
                values[name] = chosen if chosen is not None else self.ticket.pk
            elif name == "id":
                values[name] = self.clerk.pk
            elif name == "app_label":
                values[name] = "helpdesk"
            elif name == "url":
                values[name] = "nichts/"
            else:
                raise AssertionError(f"{key}: no value for the URL argument {name!r}")
        return values

    def state(self) -> tuple:
        """What a foreign role must not change (one query)."""
        from django.db.models import Count, Max

        from ulm_routing.models import Callback, Handoff
        from ulm_servicepoint.models import SavedView

        ticket = (
            Ticket.objects.filter(pk=self.ticket.pk)
            .annotate(
                n_followups=Count("followup", distinct=True),
                n_last_followup=Max("followup__date"),
                n_files=Count("followup__followupattachment", distinct=True),
                n_ccs=Count("ticketcc", distinct=True),
                n_dependencies=Count("ticketdependency", distinct=True),
                n_checklists=Count("checklists", distinct=True),
            )
            .values()
            .first()
        )
        if ticket is not None:
            ticket.pop("modified")
        others = (
            list(
                Handoff.objects.filter(ticket=self.ticket).values_list("pk", "state", "updated_at")
            ),
            Callback.objects.filter(pk=self.callback.pk).values("state", "attempts").first(),
            SavedView.objects.filter(pk=self.view.pk).exists(),
            SavedSearch.objects.filter(pk=self.search.pk).exists(),
        )
        return ticket, others


@dataclass
class Shared:
    category: Any
    kbitem: Any
    ignore: Any
    template: Any


def _url(route: str, name: str, kwargs: dict[str, Any]) -> str:
    if name and not name.endswith(":"):
        return reverse(name, kwargs=kwargs)
    if "(?P<url>" in route:
        return "/admin/nichts/"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route)


def _arguments(route: str) -> list[str]:
    found = re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)
    return list(dict.fromkeys(found))


# the arguments that name an object of a department (the rest are fixed values)
OBJECT_ARGUMENTS = {
    "ticket_id", "followup_id", "attachment_id", "cc_id", "dependency_id", "checklist_id", "pk",
    "token", "uuid", "view_id", "report_id", "sample_id", "name", "user_name", "queue_slug",
    "object_id", "id",
}  # fmt: skip


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        # (the test client closes it: closing it here would close the test's database connection)
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace").lower()


def _refused(response: Any) -> bool:
    """Refused, or sent elsewhere (a redirect carries no data; the POSTs' changes are checked
    on the objects)."""
    return response.status_code in (401, 403, 404) or 300 <= response.status_code < 400


def _allowed(response: Any) -> bool:
    """Not refused: neither 401/403/404 nor sent to a login."""
    if response.status_code in (401, 403, 404):
        return False
    return "login" not in (response.get("Location", "") if response.status_code < 400 else "")


# who POSTs to foreign objects: a clerk of each department and the data-protection officer
# (the head, the knowledge editor and the management see no ticket either: the same check)
POST_ROLES = ("clerk_a", "clerk_b", "dpo")
# a format suffix (".json") is the same view as its pattern without it: tried by these roles
FORMAT_ROLES = ("anonymous", "clerk_a", "dpo")
# a POST with a body that names the foreign objects (else: an empty body)
MINIMAL_BODIES: dict[str, Any] = {
    "helpdesk/tickets/update/": lambda o, user: {"ticket_id": [o.ticket.pk], "action": "close"},
    "helpdesk/arbeitsliste/sammel/": lambda o, user: {
        "fall": [o.ticket.pk],
        "aktion": "zuweisen",
        "bearbeiter": user.pk,
    },
    "helpdesk/tickets/<int:ticket_id>/update/": lambda o, user: {
        "comment": "Fremdzugriff",
        "new_status": str(Ticket.CLOSED_STATUS),
        "public": "1",
        "owner": str(user.pk),
    },
    "helpdesk/tickets/<int:ticket_id>/cc/add/": lambda o, user: {"email": "fremd@example.org"},
    "helpdesk/rueckrufe/<uuid:uuid>/<slug:action>/": lambda o, user: {"note": "Fremdzugriff"},
}
SEEN: set[tuple[str, str]] = set()  # (role, department) whose marker a response showed


@dataclass
class Finding:
    role: str
    method: str
    url: str
    what: str

    def __str__(self) -> str:
        return f"{self.role:10} {self.method:4} {self.url}: {self.what}"


def _expected(
    code: str, role: Role, user: Any, key: str, name: str, own: bool, department: str | None
) -> bool | None:
    """True: must be allowed; False: must be refused; None: no expectation."""
    from ulm_kpi.services import may_see_kpis

    anonymous = user is None
    if code == ANY:
        return None
    if code == PUBLIC:
        return True if anonymous else None
    if code == TOKEN:
        return True if own else None
    if anonymous:
        return False
    if code == LOGIN:
        return None
    if code == OWN:
        return True if own else None
    if code == SUPERUSER:
        return user.is_superuser
    if code == KPI:
        return may_see_kpis(user) if department is None else department in role.figures
    if code == QUALITY:
        return user.has_perm("ulm_kpi.review_quality")
    if code in OFFICER_PERMISSIONS:
        # refused to everyone else; what the officer gets is test_rights' and test_audit's
        return None if user.has_perm(OFFICER_PERMISSIONS[code]) else False
    if code == OFF:
        return False
    if code == ADMIN_MODEL:
        match = ADMIN_MODEL_ROUTE.match(key)
        assert match is not None
        app, model = match[1], match[2]
        permitted = user.is_superuser or any(
            user.has_perm(f"{app}.{verb}_{model}") for verb in ("view", "change", "add", "delete")
        )
        if not permitted:
            return False
        return True if name.endswith("_changelist") else None
    raise AssertionError(f"unknown access code {code!r}")


@pytest.fixture
def world(city, django_user_model):
    """The roles with their people, each department's objects, the shared ones."""
    from ulm_privacy.services import create_roles
    from ulm_routing.models import DepartmentSettings

    create_roles()
    agent = django_user_model.objects.get(username="anna.agentin")
    _person("lena.leitung", ["Servicecenter", "Servicecenter-Leitung"])
    head = _person("kfz-zulassung.leitung", ["Fachbereichsleitung"])
    settings_row, _new = DepartmentSettings.objects.get_or_create(
        queue=Queue.objects.get(slug=DEPARTMENTS["A"])
    )
    settings_row.heads.add(head)
    _person("wilma.wissen", ["Wissensredaktion"])
    _person("dora.datenschutz", ["Datenschutz"])
    _person("vera.verwaltung", ["Verwaltungsleitung"])
    category = KBCategory.objects.create(
        name="Matrix", title="Matrix", slug="matrix", description="Matrix"
    )
    shared = Shared(
        category=category,
        kbitem=KBItem.objects.create(
            category=category, title="Öffnungszeiten", question="Wann?", answer="Immer."
        ),
        ignore=IgnoreEmail.objects.create(name="Spam", email_address="spam@example.org"),
        template=ChecklistTemplate.objects.create(name="Vorlage", task_list=["eins"]),
    )
    objects = {
        "A": Objects("A", agent, django_user_model.objects.get(username="karl.kfz")),
        "B": Objects("B", agent, django_user_model.objects.get(username="berta.abfall")),
    }
    return objects, shared


def _client(role: Role) -> tuple[Client, Any]:
    from django.contrib.auth import get_user_model

    client = Client()
    if role.username is None:
        return client, None
    user = get_user_model().objects.get(username=role.username)
    client.force_login(user)
    return client, user


def _admin_page_tried(role: Role, user: Any, key: str, name: str) -> bool:
    """The admin's pages of a model are one permission check (``ModelAdmin.has_*_permission``):
    every role tries the list; the other pages (add, change, history, delete, the model's own
    extra pages) are tried by the anonymous visitor, by a clerk (staff without any admin
    permission) and by each role holding a permission on the model (not the superusers, who
    may see everything)."""
    if name.endswith("_changelist") or user is None or role.name == "clerk_a":
        return True
    match = ADMIN_MODEL_ROUTE.match(key)
    assert match is not None
    return not user.is_superuser and any(
        user.has_perm(f"{match[1]}.{verb}_{match[2]}") for verb in ("view", "change", "add")
    )


@pytest.mark.timeout(900)
def test_no_role_reaches_a_foreign_department(world):
    objects, shared = world
    findings: list[Finding] = []
    patterns = url_patterns()
    for role in ROLES:
        client, user = _client(role)
        for key, name, route in patterns:
            code = MATRIX[key]
            arguments = _arguments(route)
            if "format" in arguments and role.name not in FORMAT_ROLES:
                continue  # the same view as the pattern without the suffix
            departments_ = ["A", "B"] if set(arguments) & OBJECT_ARGUMENTS else [None]
            if key.startswith("admin/") and key.endswith("*"):
                if not _admin_page_tried(role, user, key, name):
                    continue
                model = ADMIN_MODEL_ROUTE.match(key)
                assert model is not None
                if objects["A"].admin_object(f"{model[1]}/{model[2]}") is None:
                    departments_ = ["A"]  # nothing of a department's: once is enough
            for department in departments_:
                values = (objects[department] if department else objects["A"]).kwargs(
                    route, arguments, shared
                )
                url = _url(route, name, values)
                own = department in role.personal or (code == TOKEN and department is not None)
                findings += _try(client, role, user, "GET", url, key, name, code, own, department)
                foreign = department is not None and department not in role.personal
                if foreign and role.name in POST_ROLES and code != TOKEN:
                    before = objects[department].state()
                    data = _body_for(key, objects[department], user)
                    _try(client, role, user, "POST", url, key, name, code, own, department, data)
                    if objects[department].state() != before:
                        findings.append(Finding(role.name, "POST", url, "foreign object changed"))
                if "logout" in key and user is not None:
                    client.force_login(user)
            # the ticket of the role's own department, the other ids of the foreign one
            # (and the citizen: the private link of A with a file of B)
            own_departments = sorted(role.personal) or (["A"] if code == TOKEN else [])
            if len(own_departments) == 1 and len(set(arguments) & OBJECT_ARGUMENTS) > 1:
                mine = own_departments[0]
                theirs = "B" if mine == "A" else "A"
                values = objects[theirs].kwargs(route, arguments, shared)
                values.update(
                    {
                        k: v
                        for k, v in objects[mine].kwargs(route, arguments, shared).items()
                        if k in ("ticket_id", "token")
                    }
                )
                url = _url(route, name, values)
                findings += _try(client, role, user, "GET", url, key, name, code, False, mine)
                before = objects[theirs].state()
                data = _body_for(key, objects[theirs], user)
                _try(client, role, user, "POST", url, key, name, code, False, mine, data)
                if objects[theirs].state() != before:
                    findings.append(Finding(role.name, "POST", url, "foreign object changed"))
            if departments_ == [None] and role.name == "clerk_a":
                # an empty POST names no object: one role is enough to see it changes nothing
                foreign = [d for d in ("A", "B") if d not in role.personal]
                if foreign and not key.startswith("admin/"):
                    before = [objects[d].state() for d in foreign]
                    url = _url(route, name, objects["A"].kwargs(route, arguments, shared))
                    data = _body_for(key, objects[foreign[-1]], user)
                    findings += _try(
                        client, role, user, "POST", url, key, name, code, False, None, data
                    )
                    if [objects[d].state() for d in foreign] != before:
                        findings.append(Finding(role.name, "POST", url, "foreign object changed"))
                if "logout" in key:
                    client.force_login(user)
    # the markers are found where they should be (else the leak check would prove nothing)
    assert {("clerk_a", "A"), ("clerk_b", "B"), ("agent", "A"), ("admin", "B")} <= SEEN
    assert not findings, "\n" + "\n".join(map(str, findings))


def _body_for(key: str, foreign: Objects, user: Any) -> dict[str, Any]:
    make = MINIMAL_BODIES.get(key)
    return make(foreign, user) if make and user is not None else {}


def _try(
    client: Client,
    role: Role,
    user: Any,
    method: str,
    url: str,
    key: str,
    name: str,
    code: str,
    own: bool,
    department: str | None,
    data: dict[str, Any] | None = None,
) -> list[Finding]:
    findings = []
    try:
        response = client.get(url) if method == "GET" else client.post(url, data or {})
    except Exception as error:  # a server error is a finding, not the end of the walk
        return [Finding(role.name, method, url, f"server error {error!r}")]
    body = _body(response)
    allowed_marks = set(role.personal)
    if code == TOKEN and department is not None:
        allowed_marks.add(department)
    if (
        code in OFFICER_PERMISSIONS
        and user is not None
        and user.has_perm(OFFICER_PERMISSIONS[code])
    ):
        allowed_marks |= set(MARKS)
    for dept, mark in MARKS.items():
        if mark.lower() in body:
            SEEN.add((role.name, dept))
        if dept not in allowed_marks and mark.lower() in body and response.status_code < 400:
            findings.append(Finding(role.name, method, url, f"shows {dept}'s personal data"))
    for dept, mark in FIGURES.items():
        if dept not in role.figures and mark.lower() in body and response.status_code < 400:
            findings.append(Finding(role.name, method, url, f"shows {dept}'s key figures"))
    if method != "GET":
        return findings
    expected = _expected(code, role, user, key, name, own, department)
    if response.status_code in (405, 400):
        return findings
    if expected is True and not _allowed(response):
        findings.append(Finding(role.name, method, url, f"refused ({response.status_code})"))
    if expected is False and not _refused(response):
        findings.append(Finding(role.name, method, url, f"allowed ({response.status_code})"))
    return findings


def test_the_state_check_notices_what_a_post_could_change(world):
    """The control of the no-change check: each kind of change to a department's objects
    shows in ``Objects.state()``."""
    from ulm_routing.models import Callback, Handoff

    objects, _shared = world
    b = objects["B"]
    changes = [
        lambda: Ticket.objects.filter(pk=b.ticket.pk).update(status=Ticket.CLOSED_STATUS),
        lambda: FollowUp.objects.create(ticket=b.ticket, title="x", comment="x"),
        lambda: TicketCC.objects.filter(pk=b.cc.pk).delete(),
        lambda: Checklist.objects.filter(pk=b.checklist.pk).delete(),
        lambda: Handoff.objects.filter(pk=b.handoff.pk).update(state="answered"),
        lambda: Callback.objects.filter(pk=b.callback.pk).update(attempts=3),
        lambda: SavedSearch.objects.filter(pk=b.search.pk).delete(),
    ]
    for change in changes:
        before = b.state()
        change()
        assert b.state() != before
