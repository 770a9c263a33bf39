"""ASGI entry point for daphne: HTTP (Django) and websockets (Channels) on one port."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")

from backend.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from backend.core import startup  # noqa: E402
from backend.live.routing import websocket_urlpatterns  # noqa: E402

startup.report_backends()
startup.open_training_store()
startup.settle_heap()

# Websockets authenticate with the API token in the query string (no cookies), so any origin may connect.
application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": URLRouter(websocket_urlpatterns)})
