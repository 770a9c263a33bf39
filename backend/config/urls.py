from django.contrib import admin
from django.urls import include, path
from ninja.openapi.docs import Redoc

from backend.api import api


def redoc(request):
    return Redoc().render_page(request, api)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/redoc/", redoc, name="redoc"),
    path("api/", api.urls),
    path("", include("backend.web.urls")),  # the PWA; must stay last
]

handler404 = "backend.core.views.not_found"
