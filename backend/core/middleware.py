"""HTTP middleware that must run before Django parses anything."""

from django.conf import settings
from django.http import JsonResponse


class RequestSizeLimitMiddleware:
    """Rejects bodies over MAX_REQUEST_BODY_BYTES (MAX_UPLOAD_BYTES for multipart) with a JSON 413 before they are read.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE check answers with an HTML 400 and only when the
    body is parsed; clients of this API get a JSON error that names the limit instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_UPLOAD_BYTES if self._is_upload(request) else settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if "\x00" in request.path or any("\x00" in key + value for key, value in request.GET.items()):
            # PostgreSQL and MongoDB cannot store NUL; refuse it before it reaches either
            return JsonResponse({"detail": "The URL must not contain NUL characters."}, status=400)
        if length > limit:
            return JsonResponse(
                {"detail": f"Request body too large: {length} bytes; the limit is {limit} bytes."},
                status=413,
            )
        return self.get_response(request)

    @staticmethod
    def _is_upload(request) -> bool:
        # file imports (CSV exports of other apps) are streamed to disk and may be larger
        return request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
