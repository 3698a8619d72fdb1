"""Public pages of ulm_channels: the contact form and its confirmation."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from helpdesk.models import Ticket

from ulm_channels import conf, services
from ulm_channels.forms import ContactForm

CONFIRMATION_SALT = "ulm_channels.confirmation"


def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = services.submit_web_request(
            services.WebRequest(
                subject=data["subject"],
                message=data["message"],
                email=data["email"],
                name=data["name"],
            )
        )
        token = signing.dumps(ticket.pk, salt=CONFIRMATION_SALT)
        return redirect(reverse("ulm_channels:confirmation", args=[token]))
    return render(
        request,
        "ulm_channels/contact.html",
        {"form": form, "retention_months": conf.get("ULM_CHANNELS_RETENTION_MONTHS")},
        status=400 if form.errors else 200,
    )


def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    """Shown once after sending: the reference number and the private status link."""
    try:
        ticket_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=3600)
    except signing.BadSignature:
        return render(request, "ulm_channels/confirmation_expired.html", status=410)
    ticket = Ticket.objects.get(pk=ticket_id)
    return render(
        request,
        "ulm_channels/confirmation.html",
        {"reference": ticket.ticket, "status_url": services.status_url(ticket)},
    )
