"""REST API of ulm_knowledge: ``GET /api/v1/knowledge/search/?q=…&limit=…``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ulm_knowledge import services


class SearchView(APIView):
    """The same results as ``manage.py kb_search --json``. Open to everyone: it returns only
    published items, whose content is public anyway (service pages)."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        raw_limit = request.query_params.get("limit")
        limit = None
        if raw_limit not in (None, ""):
            try:
                limit = int(raw_limit)
            except ValueError:
                limit = 0
            if limit < 1:
                return Response({"limit": [_("Enter a whole number of 1 or more.")]}, status=400)
        if len(query) > 5000:
            return Response({"q": [_("The query is too long (at most 5000 characters).")]}, 400)
        hits = services.search(query, limit) if query.strip() else []
        return Response({"results": [hit.as_dict() for hit in hits]})
