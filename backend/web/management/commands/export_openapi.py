"""Writes the API's OpenAPI schema as JSON, so the frontend build can generate its types without a
running server: python manage.py export_openapi frontend/src/api/openapi.json"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/ as JSON to a file ('-' for stdout)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Output file, or - for stdout.")

    def handle(self, *args, path: str, **options):
        from backend.api import api

        text = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        self.stderr.write(f"OpenAPI schema written to {target}")
