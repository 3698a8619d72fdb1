"""A citizen at the contact form over real HTTP, as a browser sends it (CSRF cookie and token,
the time trap's hidden field, the honeypot left empty), for the production scenarios and the
load bench (part L).

    result = submit_contact_form("http://127.0.0.1:PORT", subject="…", email="…", message="…")
    result.acknowledged   # True: the confirmation page with the reference was shown
    result.reference      # the reference the page showed ("" when not acknowledged)

``pause`` (default 3.2 s) is the time a person takes to fill in the form: the product refuses
forms sent faster (``ULM_CHANNELS_MIN_FILL_SECONDS``, 3 s).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import requests
from bs4 import BeautifulSoup

CONTACT_PATH = "/kontakt/"
# a reference as the confirmation page shows it, e.g. "SC-2026-00042"
REFERENCE = re.compile(r"\b[A-Z]{1,6}-\d{4}-\d{3,}\b")


@dataclass
class Submission:
    base_url: str
    subject: str
    email: str
    acknowledged: bool = False
    reference: str = ""
    status: int = 0  # HTTP status of the POST (0: no answer)
    error: str = ""  # what went wrong when not acknowledged
    seconds: float = 0.0  # from the POST to the confirmation page


def form_fields(html: str, selector: str = "main form") -> dict[str, str]:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    if form is None:
        raise ValueError(f"no {selector} on the page")
    data: dict[str, str] = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            data[name] = str(chosen.get("value", "")) if chosen else ""
        elif element.name == "textarea":
            data[name] = element.text
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                data[name] = str(element.get("value", "on"))
        elif element.get("type") not in ("submit", "button", "file"):
            data[name] = str(element.get("value", ""))
    return data


def open_contact_form(
    base_url: str, timeout: float = 15
) -> tuple[requests.Session, dict[str, str]]:
    """GET the form: the session (with its CSRF cookie) and the fields the page carries."""
    session = requests.Session()
    response = session.get(base_url + CONTACT_PATH, timeout=timeout)
    response.raise_for_status()
    return session, form_fields(response.text)


def send_contact_form(
    session: requests.Session,
    fields: dict[str, str],
    base_url: str,
    *,
    subject: str,
    email: str,
    message: str = "Bitte um Rückruf wegen meines Anliegens.",
    name: str = "Erika Mustermann",
    timeout: float = 30,
) -> Submission:
    """POST an opened form (to ``base_url``, which may be another instance than the one that
    showed it) and follow to the confirmation page."""
    result = Submission(base_url, subject, email)
    data = {**fields, "name": name, "email": email, "subject": subject, "message": message}
    data["privacy"] = "on"
    started = time.monotonic()
    try:
        response = session.post(
            base_url + CONTACT_PATH, data=data, timeout=timeout, allow_redirects=False
        )
        result.status = response.status_code
        if response.status_code != 302:
            result.error = f"POST answered {response.status_code}"
            return result
        page = session.get(base_url + response.headers["Location"], timeout=timeout)
        found = REFERENCE.search(BeautifulSoup(page.text, "html.parser").get_text(" "))
        if page.status_code == 200 and found:
            result.acknowledged, result.reference = True, found.group(0)
        else:
            result.error = f"confirmation page {page.status_code} without a reference"
    except requests.RequestException as error:
        result.error = f"{type(error).__name__}: {error}"
    finally:
        result.seconds = time.monotonic() - started
    return result


def submit_contact_form(
    base_url: str, *, subject: str, email: str, pause: float = 3.2, **fields: str
) -> Submission:
    """Open the form, take ``pause`` seconds like a person, send it."""
    try:
        session, form = open_contact_form(base_url)
    except (requests.RequestException, ValueError) as error:
        return Submission(base_url, subject, email, error=f"form not shown: {error}")
    time.sleep(pause)
    return send_contact_form(session, form, base_url, subject=subject, email=email, **fields)
