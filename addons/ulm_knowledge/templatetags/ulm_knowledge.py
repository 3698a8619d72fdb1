"""Template tags of ulm_knowledge: the suggestions panels in the helpdesk's ticket view and
capture screen, and the suggestions on the citizens' forms."""

from django import template

from ulm_knowledge import services

register = template.Library()


@register.inclusion_tag("ulm_knowledge/ticket_panel.html", takes_context=True)
def kb_ticket_panel(context, ticket):
    return {
        "ticket": ticket,
        "suggestions": services.ticket_suggestions(ticket),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ulm_knowledge/capture_panel.html", takes_context=True)
def kb_capture_panel(context, request_type):
    request = context.get("request")
    posted = request.POST.get("kbitem", "") if request is not None else ""
    return {
        "suggestions": services.linked_suggestions(request_type),
        # a capture sent back with errors keeps the answer taken (and so its version)
        "chosen": posted if posted.isdigit() else "",
    }


@register.inclusion_tag("ulm_knowledge/citizen_linked.html", takes_context=True)
def kb_citizen_suggestions(context, request_type=None, page=""):
    """Before a typed form: the services about this kind of request, each with "Hat das Ihre
    Frage beantwortet?" (works without JavaScript)."""
    request = context.get("request")
    return {
        "services": services.services_for_request_type(request_type) if request_type else [],
        "page": page,
        "next": request.get_full_path() if request else "",
        "thanks": request.GET.get("rueckmeldung", "") if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ulm_knowledge/citizen_live.html")
def kb_live_suggestions(source="#id_message", page=""):
    """Inside a citizen's form: suggestions that appear while they type into ``source`` (a CSS
    selector of the fields to read), shown by a script; without it nothing changes."""
    return {"source": source, "page": page}


@register.filter
def text_module(value) -> str:
    """A service's text module as HTML: paragraphs, lists and links (http, https, mailto only),
    built from escaped text and cleaned by nh3 (``service_pages.text_html``)."""
    from django.utils.safestring import mark_safe

    from ulm_knowledge.service_pages import text_html

    # nh3 has cleaned it: only p, ul, li and a with a safe href are left (reviewed for B308)
    return mark_safe(text_html(str(value or "")))  # noqa: S308  # nosec B308 B703


@register.filter
def jsonld(value) -> str:
    """JSON for a <script type="application/ld+json">, safe against </script> in the data."""
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # <, > and & are escaped above, as django's json_script does (reviewed for B308, B703)
    return mark_safe(text)  # noqa: S308  # nosec B308 B703
