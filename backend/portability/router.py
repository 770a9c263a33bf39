"""Data portability: import another app's export.

Imports take a multipart upload in the field `file` (up to MAX_UPLOAD_BYTES, 200,000 rows) and
are all or nothing: a 400 names every bad line and nothing is written.
"""

from ninja import File, Form, Router, Status, UploadedFile

from backend.core.schemas import ErrorOut
from backend.portability.schemas import ImportSummaryOut, Units
from backend.portability.services import importer
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
