from django.contrib import admin
from django.urls import include, path, re_path
from ninja.openapi.docs import Redoc

from backend.api import api
from backend.core.views import not_found


def redoc(request):
    return Redoc().render_page(request, api)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/redoc/", redoc, name="redoc"),
    path("api/", api.urls),
    # JSON for unknown API paths even with DEBUG on, where Django shows its HTML page, not handler404
    re_path(r"^api/", not_found),
    path("", include("backend.web.urls")),  # the PWA; must stay last
]

handler404 = "backend.core.views.not_found"
