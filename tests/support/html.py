"""Reading pages the way a person sees them: visible text and forms."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def visible_text(response) -> str:
    page = soup(response)
    for hidden in page(["script", "style", "noscript", "template"]):
        hidden.decompose()
    return " ".join(page.get_text(" ").split())


def form_fields(response, form_selector: str = "form") -> dict[str, str]:
    """The values a browser would send for a form, before the user types anything."""
    form = soup(response).select_one(form_selector)
    assert form is not None, f"no {form_selector} on the page"
    data: dict[str, str] = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif element.name == "textarea":
            data[name] = element.text
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                data[name] = element.get("value", "on")
        elif element.get("type") not in ("submit", "button", "file"):
            data[name] = element.get("value", "")
    return data


def ticket_list_ids(client, search: str = "", **filtering) -> set[int]:
    """Ticket ids the staff ticket list shows (its page loads rows from this data endpoint)."""
    from django.urls import reverse
    from helpdesk.query import query_to_base64

    query = query_to_base64({"filtering": filtering, "sorting": "created", "search_string": search})
    response = client.get(
        reverse("helpdesk:datatables_ticket_list", args=[query]), {"length": 500, "start": 0}
    )
    assert response.status_code == 200, response.status_code
    return {row["id"] for row in response.json()["data"]}
