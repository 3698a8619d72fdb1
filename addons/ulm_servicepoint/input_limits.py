"""Limits every request must keep before any view (ours or the host's) sees it.

- The body may be at most ``ULM_SERVICEPOINT_MAX_REQUEST_BYTES`` (413 otherwise); form fields
  and files are parsed here, so Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``, number of
  fields) answer in German instead of an English error page.
- No NUL byte and no lone UTF-16 surrogate in the path, the query, form fields, file names or
  JSON strings: PostgreSQL cannot store them, and a view would fail with a database error.
- JSON bodies are nested at most ``ULM_SERVICEPOINT_MAX_JSON_DEPTH`` levels (a 50,000-deep body
  would exhaust Python's recursion before any view could refuse it) and must parse.

Each refusal is a 4xx with one German sentence (``refusals.refuse``); nothing reaches a view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from ulm_servicepoint import conf
from ulm_servicepoint.refusals import refuse

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_forbidden(values: Iterable[str]) -> bool:
    return any(FORBIDDEN.search(value) for value in values)


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets nest deeper than ``limit`` outside strings (no parsing needed)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def json_strings(value: Any) -> Iterable[str]:
    """Every key and string in a parsed JSON document (iteratively: depth is bounded anyway)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def problem_with(request: HttpRequest) -> tuple[str, int] | None:
    """What is wrong with the request (German sentence, status), or None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _("The request's length is not a number."), 400
    if length > conf.get("ULM_SERVICEPOINT_MAX_REQUEST_BYTES"):
        limit_mb = conf.get("ULM_SERVICEPOINT_MAX_REQUEST_BYTES") // (1024 * 1024)
        return (
            _("The request is too large: at most %(mb)s MB can be sent at once.")
            % {"mb": limit_mb},
            413,
        )
    invalid = _(
        "The request contains characters that cannot be processed (such as a NUL byte). "
        "Please check your entries."
    )
    if has_forbidden([request.path]) or has_forbidden(
        [part for key, values in request.GET.lists() for part in (key, *values)]
    ):
        return invalid, 400
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES:
        try:
            fields = [part for key, values in request.POST.lists() for part in (key, *values)]
            names = [upload.name or "" for upload in request.FILES.values()]  # type: ignore[union-attr]
        except RequestDataTooBig:
            return _("The form contains too much text to be processed at once."), 413
        except (TooManyFieldsSent, TooManyFilesSent):
            return _("The form contains too many fields or files."), 400
        except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
            return _("The form's data could not be read. Please send it again."), 400
        if has_forbidden(fields) or has_forbidden(names):
            return invalid, 400
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            body = request.body
        except RequestDataTooBig:
            return _("The request is too large to be processed at once."), 413
        if not body.strip():
            return None
        if json_depth_exceeds(body, conf.get("ULM_SERVICEPOINT_MAX_JSON_DEPTH")):
            return _("The JSON document is nested too deeply."), 400
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            return _("The request body is not valid JSON."), 400
        if has_forbidden(json_strings(document)):
            return invalid, 400
    return None


class InputLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = problem_with(request)
        if problem is not None:
            message, status = problem
            return refuse(request, message, status)
        return self.get_response(request)
