from django.urls import re_path

from backend.live.consumers import CoachConsumer, SessionConsumer, UserConsumer

websocket_urlpatterns = [
    re_path(r"^ws/sessions/(?P<session_id>[^/]{1,64})/$", SessionConsumer.as_asgi()),
    re_path(r"^ws/coach/$", CoachConsumer.as_asgi()),
    re_path(r"^ws/me/$", UserConsumer.as_asgi()),
]
