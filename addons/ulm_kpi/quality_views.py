"""Staff pages of the quality sampling: the lead's overview and review, the agent's own reviews.
Each view makes one call into ulm_kpi.quality; saving is a POST (CSRF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ulm_kpi import quality
from ulm_servicepoint.refusals import refuse


@staff_member_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The lead's page: the drawn weeks, and the open and reviewed samples of one week."""
    try:
        context = quality.review_overview(
            request.user, request.GET.get("woche", "")[:20], request.GET.get("seite", 1)
        )
    except PermissionError:
        raise PermissionDenied from None
    except quality.WeekInvalid as invalid:
        return refuse(request, str(invalid), status=400)
    return render(request, "ulm_kpi/quality_overview.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, sample_id: int) -> HttpResponse:
    """One sample: the ticket, what the citizen was told, and the checklist."""
    try:
        if request.method == "POST":
            saved = quality.save_review(request.user, sample_id, request.POST)
            messages.success(request, _("The review has been saved."))
            week = quality.week_label(saved.sample.week.week_start)
            return redirect(reverse("ulm_kpi:quality") + f"?woche={week}")
        screen = quality.review_screen(request.user, sample_id)
    except PermissionError:
        raise PermissionDenied from None
    except LookupError:
        raise Http404 from None
    except quality.ReviewInvalid as invalid:
        return render(request, "ulm_kpi/quality_review.html", invalid.screen, status=400)
    return render(request, "ulm_kpi/quality_review.html", screen)


@staff_member_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The agent's own reviews (only their own)."""
    context = quality.own_reviews(request.user, request.GET.get("seite", 1))
    return render(request, "ulm_kpi/quality_mine.html", context)
