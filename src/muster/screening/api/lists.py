"""Reference lists (import, read) and screening runs (start a re-screen, follow it)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from muster.api.base import PolicyViewSet
from muster.api.parsers import JSONParser
from muster.core.uploads import check_upload_size
from muster.screening import imports, tasks
from muster.screening.api.serializers import (
    ReferenceListImportSerializer,
    ReferenceListSerializer,
    ScreeningRunInputSerializer,
    ScreeningRunSerializer,
)
from muster.screening.models import (
    ReferenceList,
    ScreeningRun,
)


@extend_schema_view(
    list=extend_schema(responses=ReferenceListSerializer(many=True)),
    retrieve=extend_schema(responses=ReferenceListSerializer),
    create=extend_schema(
        request={"multipart/form-data": ReferenceListImportSerializer},
        responses={201: ReferenceListSerializer},
        description="Import a version of a reference list (person-record CSV or XLSX, or UN "
        "Consolidated List XML). A file with errors imports nothing (400 lists every error with "
        "its row and field) unless skip_bad_rows is true.",
    ),
)
class ReferenceListViewSet(PolicyViewSet):
    serializer_class = ReferenceListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    policy_action = {
        "list": "screening.view",
        "retrieve": "screening.view",
        "create": "screening.lists",
    }

    def get_queryset(self):
        return ReferenceList.objects.select_related("imported_by").order_by("name", "-version")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        form = ReferenceListImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        check_upload_size(upload.size)
        result = imports.import_reference_list(
            upload.read(),
            name=data["name"],
            owner=data["owner"],
            legal_basis=data["legal_basis"],
            list_date=data["list_date"],
            by=request.user,
            file_name=upload.name,
            source_format=data.get("source_format") or "",
            skip_bad_rows=data["skip_bad_rows"],
            request=request,
        )
        body = self.get_serializer(result.reference_list).data
        body["skipped"] = [str(e) for e in result.skipped]
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses=ScreeningRunSerializer(many=True)),
    retrieve=extend_schema(responses=ScreeningRunSerializer),
    create=extend_schema(
        request=ScreeningRunInputSerializer,
        responses={202: ScreeningRunSerializer},
        description="Start re-screening the whole registry in the background; poll the run.",
    ),
)
class ScreeningRunViewSet(PolicyViewSet):
    serializer_class = ScreeningRunSerializer
    policy_action = {
        "list": "screening.view",
        "retrieve": "screening.view",
        "create": "screening.decide",
    }

    def get_queryset(self):
        return ScreeningRun.objects.all()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset().filter(kind=ScreeningRun.Kind.BATCH))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        form = ScreeningRunInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = tasks.start_batch_rescreen(
            by=request.user, reason=form.validated_data.get("reason", ""), request=request
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)
