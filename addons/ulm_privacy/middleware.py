"""Records who viewed, searched, exported, changed or deleted personal data: one middleware for
every page listed in ``audit.RULES`` (the host's and ours), none of their views edited.

- A GET is recorded after the view answered 2xx; a POST (PUT, PATCH, DELETE) after it
  succeeded: a redirect after a form (a form shown again with its errors changed nothing), or
  the API's and the pages' scripts' 2xx. Refusals (403, 404, 400) leave no event.
- Only staff are recorded (everyone who can open these pages); the rule is looked up before the
  user is loaded, so pages without a rule (the public forms) cost a dictionary look-up.
- **Fail closed.** A page of personal data whose event cannot be written is not shown: the
  response is dropped and a German 503 says why. A change runs in one transaction with its
  event, so a change that cannot be recorded is rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from ulm_privacy import audit

logger = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD")


class AuditFailed(Exception):
    """The event of a change could not be written: the change is rolled back."""


def _staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def not_recorded(request: HttpRequest) -> HttpResponse:
    from ulm_servicepoint.refusals import refuse

    return refuse(
        request,
        _(
            "This access to personal data could not be recorded in the audit log, so it is "
            "not carried out. Please try again in a moment or tell the administration."
        ),
        503,
    )


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self._read(request)
        return self._write(request)

    def _read(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        rule = audit.rule_for(match.view_name) if match is not None else None
        if rule is None or not _staff(request):
            return response
        try:
            event = audit.event_for(request, rule, response.status_code)
            if event is not None:
                audit.record_request(request, event)
        except Exception:
            logger.exception("audit: could not record %s %s", request.method, request.path)
            response.close()
            return not_recorded(request)
        return response

    def _write(self, request: HttpRequest) -> HttpResponse:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return self.get_response(request)
        rule = audit.rule_for(match.view_name)
        if rule is None or not _staff(request):
            return self.get_response(request)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                try:
                    event = audit.event_for(
                        request, rule, response.status_code, response.get("Content-Type", "")
                    )
                    if event is not None:
                        audit.record_request(request, event)
                except Exception as error:
                    raise AuditFailed from error
        except AuditFailed:
            logger.exception("audit: could not record %s %s", request.method, request.path)
            return not_recorded(request)
        return response
