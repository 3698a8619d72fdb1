"""REST API of ulm_servicepoint (documented by drf-spectacular at /api/servicepoint/schema/).

- GET  /api/servicepoint/anliegenarten/          request types with their current capture schema
- GET  /api/servicepoint/anliegenarten/<slug>/
- GET  /api/servicepoint/anliegen/               case records of tickets the caller may see
- GET  /api/servicepoint/anliegen/<ticket id>/
- POST /api/servicepoint/anliegen/               capture a request: services.capture_request

Staff only; a clerk sees his department's requests alone (tickets_visible_to), and only the
service center (can_capture) creates requests. Validation errors come back as
``{"errors": {field: [German message, …]}}`` with status 400.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator as BaseSchemaGenerator
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, RequestType
from ulm_servicepoint.models.case import Channel
from ulm_servicepoint.models.citizen import ReplyChannel
from ulm_servicepoint.models.request_type import (
    Audience,
    FieldType,
    RequiredLevel,
    normalised_spec,
)


class FieldSpecSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    help_text = serializers.CharField()
    help_text_easy = serializers.CharField()
    type = serializers.ChoiceField(choices=FieldType.choices)
    required = serializers.BooleanField(
        help_text="Needed to keep a request open or forward it (required at either level)."
    )
    required_level = serializers.ChoiceField(
        choices=RequiredLevel.choices,
        help_text="no; processing: not needed for a first-contact answer; always: also for one.",
    )
    audience = serializers.ChoiceField(choices=Audience.choices)
    choices = serializers.ListField(child=serializers.CharField())
    pattern = serializers.CharField()
    pattern_example = serializers.CharField()


class RequestTypeSerializer(serializers.ModelSerializer):
    leika_keys = serializers.ListField(child=serializers.CharField(), source="leika_key_list")
    default_department = serializers.SlugRelatedField(
        source="default_queue", slug_field="slug", read_only=True
    )
    schema_version = serializers.SerializerMethodField()
    capture_fields = serializers.SerializerMethodField()

    class Meta:
        model = RequestType
        fields = [
            "slug",
            "name",
            "description",
            "description_easy",
            "topic_group",
            "leika_keys",
            "default_department",
            "public",
            "schema_version",
            "capture_fields",
        ]

    @staticmethod
    def _schema(obj: RequestType):
        published = list(obj.schemas.all())  # prefetched, newest first
        return published[0] if published else services.current_schema(obj)

    def get_schema_version(self, obj: RequestType) -> int:
        return self._schema(obj).version

    @extend_schema_field(FieldSpecSerializer(many=True))
    def get_capture_fields(self, obj: RequestType) -> list[dict]:
        return [normalised_spec(spec) for spec in self._schema(obj).fields]


class CitizenInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    street = serializers.CharField(required=False, allow_blank=True, max_length=200)
    house_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=5)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    preferred_channel = serializers.ChoiceField(
        choices=ReplyChannel.choices, required=False, allow_blank=True
    )
    consent_contact = serializers.BooleanField(required=False, default=False)


class CaptureInputSerializer(serializers.Serializer):
    request_type = serializers.SlugRelatedField(
        slug_field="slug", queryset=RequestType.objects.filter(active=True)
    )
    values = serializers.DictField(
        help_text="Values by field key (JSON shape: numbers, ISO dates, true/false, lists, "
        "address objects with street, house_number, postcode, city)."
    )
    channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] != Channel.OTHER])
    citizen = CitizenInputSerializer(required=False)
    citizen_id = serializers.UUIDField(required=False, help_text="A known citizen's id.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    outcome = serializers.ChoiceField(
        choices=[
            services.Outcome.OPEN,
            services.Outcome.FIRST_CONTACT,
            services.Outcome.FORWARD,
        ],
        default=services.Outcome.OPEN,
    )
    answer = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class CaseRecordSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id")
    reference = serializers.CharField(source="ticket.ticket")
    status = serializers.CharField(source="ticket.get_status_display")
    department = serializers.CharField(source="ticket.queue.slug")
    request_type = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    schema_version = serializers.IntegerField(source="schema.version", allow_null=True)
    citizen = serializers.UUIDField(source="citizen.uuid", allow_null=True)

    class Meta:
        model = CaseRecord
        fields = [
            "ticket",
            "reference",
            "status",
            "department",
            "request_type",
            "schema_version",
            "values",
            "channel",
            "level",
            "citizen",
            "resolved_at_first_contact",
            "first_contact_resolved_at",
            "received_at",
            "forwarded_at",
            "closed_at",
        ]


class RequestTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Request types (Anliegenarten) with their current capture schema."""

    serializer_class = RequestTypeSerializer
    permission_classes = [permissions.IsAdminUser]
    lookup_field = "slug"
    queryset = (
        RequestType.objects.filter(active=True)
        .select_related("default_queue")
        .prefetch_related("schemas")
    )


ERRORS = inline_serializer(
    "CaptureErrors",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)


class CaseRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests (tickets with their case record) the caller may see; POST captures one."""

    serializer_class = CaseRecordSerializer
    permission_classes = [permissions.IsAdminUser]
    lookup_field = "ticket_id"

    def get_queryset(self):
        visible = services.tickets_visible_to(self.request.user).values("pk")
        return CaseRecord.objects.filter(ticket__in=visible).select_related(
            "ticket__queue", "request_type", "schema", "citizen"
        )

    @extend_schema(
        request=CaptureInputSerializer,
        responses={201: CaseRecordSerializer, 400: ERRORS, 403: None},
    )
    def create(self, request: Request, **kwargs: Any) -> Response:
        # kwargs: the router's format suffix (POST …/anliegen.json was a 500)
        if not services.can_capture(request.user):
            raise PermissionDenied(_("Only the service center captures requests."))
        data = CaptureInputSerializer(data=request.data)
        if not data.is_valid():
            return Response({"errors": data.errors}, status=status.HTTP_400_BAD_REQUEST)
        given = data.validated_data
        citizen = None
        if given.get("citizen_id") or given.get("citizen"):
            citizen = services.CitizenData(
                known=str(given.get("citizen_id") or ""), **given.get("citizen", {})
            )
        try:
            case = services.capture_request(
                given["request_type"],
                given["values"],
                channel=given["channel"],
                citizen=citizen,
                captured_by=request.user,
                message=given.get("message", ""),
                title=given.get("title", ""),
                outcome=given["outcome"],
                answer=given.get("answer", ""),
            )
        except services.CaptureInvalid as invalid:
            return Response({"errors": invalid.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CaseRecordSerializer(case).data, status=status.HTTP_201_CREATED)


class SchemaGenerator(BaseSchemaGenerator):
    """The OpenAPI schema documents our API only (``api_urls``), also in ``check --deploy``;
    the host's API keeps its own, undocumented shape."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("urlconf", "ulm_servicepoint.api_urls")
        super().__init__(*args, **kwargs)


REFUSED = {
    "type": "object",
    "description": 'Refused before the view ran: {"error": German sentence}, or '
    '{"detail": German sentence} from authentication and permissions.',
}
REFUSAL = {
    "description": "Refused, with a German message.",
    "content": {"application/json": {"schema": REFUSED}},
}


def document_refusals(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation of our APIs can be refused before
    its view runs (``input_limits``: 400 for NUL bytes or bad JSON, 413 for a body too large;
    authentication and permissions: 401/403); one with a path parameter answers 404 for an
    unknown object, a list for a page past its end. The schema says so, so that clients (and
    the fuzzing test) expect it."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403"]
            paged = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if "{" in path or paged:
                codes.append("404")
            if "requestBody" in operation:
                codes.append("413")
            for code in codes:
                documented = responses.get(code, {}).get("content", {}).get("application/json")
                if documented and "schema" in documented:
                    # the view's own answer (e.g. {"errors": …}) or a refusal before it ran
                    documented["schema"] = {"anyOf": [documented["schema"], REFUSED]}
                else:
                    responses[code] = REFUSAL
    return result
