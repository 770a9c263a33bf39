from django.http import JsonResponse
from django.views.defaults import page_not_found


def not_found(request, exception=None):
    """API clients get JSON for unknown paths; people get Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=404)
    return page_not_found(request, exception)
