from django.urls import re_path

from backend.web.views import spa

# Last in the project's urlpatterns: anything not claimed before, and not reserved for the API,
# the admin, static files or websockets, is an app route.
urlpatterns = [re_path(r"^(?!(?:api|admin|static|ws)(?:/|$))(?P<path>.*)$", spa, name="spa")]
