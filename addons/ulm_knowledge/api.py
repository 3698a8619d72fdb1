"""REST API of ulm_knowledge: search, and the published services (list and detail)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ulm_knowledge import services
from ulm_knowledge.models import Answer, Service, Status


class SearchView(APIView):
    """The same results as ``manage.py kb_search --json``. Open to everyone: it returns only
    published items, whose content is public anyway (service pages)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What to look for (≤ 5000)."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many hits."),
        ],
        responses={
            200: inline_serializer(
                "SearchResults", {"results": serializers.ListField(child=serializers.DictField())}
            ),
            400: inline_serializer(
                "SearchErrors",
                {"limit": serializers.ListField(child=serializers.CharField(), required=False)},
            ),
        },
    )
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


class ServiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    department = serializers.CharField(source="department.title", default=None, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "external_id",
            "name",
            "leika_keys",
            "keywords",
            "short_text",
            "full_text",
            "requirements",
            "documents",
            "fees",
            "deadlines",
            "processing_time",
            "procedure",
            "forms",
            "legal_basis",
            "hints",
            "responsible_office",
            "contact_points",
            "plain_language",
            "department",
            "valid_from",
            "valid_until",
            "version",
            "updated_at",
        ]


class ServiceList(generics.ListAPIView):
    """Published services, by name; the same content as the public pages."""

    permission_classes = [AllowAny]
    serializer_class = ServiceSerializer

    def get_queryset(self):
        return services.published_services().select_related("department").order_by("name")


class ServiceDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ServiceSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return services.published_services().select_related("department")


class AnswerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    services = serializers.SlugRelatedField(many=True, read_only=True, slug_field="uuid")

    class Meta:
        model = Answer
        fields = ["id", "question", "answer", "phone_text", "services", "version", "updated_at"]


class AnswerList(generics.ListAPIView):
    """Published answers (FAQ) with their short phone version."""

    permission_classes = [AllowAny]
    serializer_class = AnswerSerializer

    def get_queryset(self):
        return (
            Answer.objects.filter(status=Status.PUBLISHED)
            .prefetch_related("services")
            .order_by("question")
        )
