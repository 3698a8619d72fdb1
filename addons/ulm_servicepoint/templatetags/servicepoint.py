"""The case record panel in the helpdesk's ticket page, the stable reference, the navigation."""

from django import template
from django.utils.translation import gettext as _

from ulm_servicepoint import host_text, services

register = template.Library()


@register.inclusion_tag("ulm_servicepoint/case_panel.html", takes_context=True)
def case_panel(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"request": request, **services.case_panel_context(ticket, user)}


@register.filter
def reference(ticket) -> str:
    """The ticket's stable reference (``SC-2026-000123``); lists select_related
    ``stable_reference`` so that this costs no query per row."""
    return services.reference_of(ticket) if ticket is not None else ""


@register.simple_tag
def may_capture(user) -> bool:
    """For the navigation: only the service center's staff get the capture and phone links."""
    return services.can_capture(user)


@register.simple_tag
def datatables_language() -> dict:
    """German for the host's ticket table (DataTables), set as its defaults by ``host.js``: the
    library's own texts are English and the host passes only one of them."""
    return {
        "search": _("Search:"),
        "searchPlaceholder": "",
        "info": _("Showing _START_ to _END_ of _TOTAL_ _ENTRIES-TOTAL_"),
        "infoEmpty": _("Showing 0 to 0 of 0 _ENTRIES-TOTAL_"),
        "infoFiltered": _("(filtered from _MAX_ total _ENTRIES-MAX_)"),
        "entries": {"_": _("entries"), "1": _("entry")},
        "lengthMenu": _("_MENU_ _ENTRIES_ per page"),
        "lengthLabels": {"-1": _("All")},
        "loadingRecords": _("Loading..."),
        "zeroRecords": _("No matching records found"),
        "emptyTable": _("No data available in table"),
        "thousands": ".",
        "decimal": ",",
        "aria": {
            "orderable": _(": Activate to sort"),
            "orderableRemove": _(": Activate to remove sorting"),
            "orderableReverse": _(": Activate to invert sorting"),
            "paginate": {
                "first": _("First"),
                "last": _("Last"),
                "next": _("Next"),
                "previous": _("Previous"),
            },
        },
        "buttons": {"colvis": _("Columns")},
    }


@register.simple_tag
def brand() -> str:
    """The name of the staff pages: ``Servicecenter <city>``."""
    return host_text.brand()


class _WithoutComment:
    """A follow-up shown without its text (everything else as the follow-up's own)."""

    comment = ""

    def __init__(self, followup) -> None:
        self._followup = followup

    def __getattr__(self, name: str):
        return getattr(self._followup, name)


@register.simple_tag
def without_repeated_description(ticket, followups):
    """The ticket page's follow-ups, the opening one without its text when that is the
    description the page already shows above (the host writes the description into both)."""
    description = (ticket.description or "").strip()
    if hasattr(followups, "prefetch_related"):
        followups = with_details(followups)
    shown = list(followups or [])
    for index, followup in enumerate(shown):
        if description and (followup.comment or "").strip() == description:
            shown[index] = _WithoutComment(followup)
            break
    return shown


def with_details(followups):
    """Follow-ups with their authors, attachments and changes loaded in three queries."""
    return followups.select_related("user").prefetch_related(
        "followupattachment_set", "ticketchange_set"
    )


@register.simple_tag(takes_context=True)
def load_followup_details(context) -> str:
    """The host's ticket page reads each follow-up's author, attachments and changes with a
    query each (120 queries at 20 follow-ups): placed before its list, this gives the page's
    ``followups`` with those loaded in three queries, whatever their number."""
    for layer in context.dicts:
        followups = layer.get("followups") if isinstance(layer, dict) else None
        if followups is not None and hasattr(followups, "prefetch_related"):
            layer["followups"] = with_details(followups)
    return ""
