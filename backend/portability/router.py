"""Data portability: import another app's export, export everything, restore an export.

Imports take a multipart upload in the field `file` (up to MAX_UPLOAD_BYTES, 200,000 rows) and
are all or nothing: a 400 names every bad line and nothing is written.
"""

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from backend.core.schemas import ErrorOut
from backend.portability.schemas import (
    ExportDocument,
    ExportFormat,
    ExportQuery,
    ImportSummaryOut,
    RestoreSummaryOut,
    Units,
)
from backend.portability.services import export, importer, restore
from backend.portability.services.hevy import HevyFormat
from backend.portability.services.strong import StrongFormat

router = Router(tags=["import-export"])

IMPORT_ERRORS = {400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 413: ErrorOut}
UNITS_HELP = (
    "Units of a file that does not say which it uses: `metric` (kg, km) or `imperial` (lbs, miles). "
    "Units the file names (a unit column or a column such as `weight_lbs`) always win."
)


@router.post("/import/strong/", response={201: ImportSummaryOut, **IMPORT_ERRORS})
def import_strong(request, file: File[UploadedFile], units: Units = Form(Units.metric, description=UNITS_HELP)):
    """Strong's CSV export, current (comma) or older (semicolon) layout. Each workout becomes a
    completed session; importing the same file again creates nothing."""
    return Status(201, importer.import_csv(request.user.id, file, StrongFormat(), units.value))


@router.post("/import/hevy/", response={201: ImportSummaryOut, **IMPORT_ERRORS})
def import_hevy(request, file: File[UploadedFile], units: Units = Form(Units.metric, description=UNITS_HELP)):
    """Hevy's CSV export (weight_kg/distance_km or weight_lbs/distance_miles columns)."""
    return Status(201, importer.import_csv(request.user.id, file, HevyFormat(), units.value))


@router.post("/import/json/", response={201: RestoreSummaryOut, **IMPORT_ERRORS})
def import_json(request, file: File[UploadedFile]):
    """Restores a JSON export (GET /api/export/?format=json, gzip-compressed or not) into this account,
    which must have no training data yet (409 otherwise). Invalid files get 400 with `errors` by path
    (`logs.3.reps`)."""
    return Status(201, restore.restore(request.user, file))


@router.get(
    "/export/",
    response={200: ExportDocument, 400: ErrorOut, 401: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "A download (Content-Disposition: attachment): the JSON document below, or "
                "with `format=csv` a CSV file in Strong's layout, one row per set; with `gzip=true` either "
                "one gzip-compressed.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/gzip": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_data(request, query: Query[ExportQuery]):
    """Everything you own, as a file to keep or to restore elsewhere with POST /api/import/json/."""
    extension = query.format.value
    if query.format == ExportFormat.csv:
        chunks, content_type = export.export_csv(request.user), "text/csv; charset=utf-8"
    else:
        chunks, content_type = export.export_json(request.user), "application/json"
    if query.gzip:
        chunks, content_type, extension = export.gzipped(chunks), "application/gzip", f"{extension}.gz"
    response = StreamingDownload(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(request.user, extension)}"'
    response["Cache-Control"] = "no-store"
    return response


class StreamingDownload(StreamingHttpResponse):
    """Streams a synchronous iterator under ASGI too, one chunk at a time (Django's own response
    would read the whole iterator into memory first)."""

    async def __aiter__(self):
        iterator = iter(self.streaming_content)
        done = object()
        while True:
            chunk = await sync_to_async(next, thread_sensitive=True)(iterator, done)
            if chunk is done:
                return
            yield chunk
