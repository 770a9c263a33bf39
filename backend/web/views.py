"""The PWA's entry point: every browser path that is not the API, the admin, static files or a
websocket loads index.html, and the app's router takes it from there (deep links work)."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Workout API</title>
<body style="font-family:system-ui;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>The app is not built</h1><p>Build it with <code>make run</code> (or <code>make frontend</code>).
The API is at <a href="/api/docs/">/api/docs/</a>.</p></body>"""


def index_path() -> Path:
    return Path(settings.FRONTEND_DIST) / "index.html"


@require_safe
def spa(request, path: str = ""):
    last = path.rsplit("/", 1)[-1]
    if "." in last:  # a missing file (e.g. /favicon.png), not an app route
        raise Http404(f"No file at /{path}.")
    try:
        body = index_path().read_bytes()
        status = 200
    except FileNotFoundError:
        body, status = NOT_BUILT.encode(), 503
    response = HttpResponse(body, content_type="text/html; charset=utf-8", status=status)
    response["Cache-Control"] = "no-cache"
    return response
