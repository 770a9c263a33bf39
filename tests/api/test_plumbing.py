"""What every endpoint shares: docs, health, errors, size limits, pagination."""

import json

import pytest
from django.test import RequestFactory

from backend.core.errors import NotFound
from backend.core.pagination import PageNumberPagination


def test_health_reports_each_backend(anon):
    response = anon.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy" and body["timestamp"].endswith("Z")
    assert body["checks"] == {"auth_db": "ok", "mongo": "ok"}


def test_health_names_the_failing_backend_with_503(anon, monkeypatch):
    from backend.storage import connection

    def down():
        raise ConnectionError("mongo is down")

    monkeypatch.setattr(connection, "ping", down)
    response = anon.get("/api/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["auth_db"] == "ok" and body["checks"]["mongo"].startswith("error")


def test_openapi_schema_and_docs_pages(anon):
    schema = anon.get("/api/schema/")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/auth/register/", "/api/auth/login/", "/api/auth/logout/", "/api/auth/profile/", "/api/health/"):
        assert path in spec["paths"], path
    assert "ErrorOut" in spec["components"]["schemas"]
    for page in ("/api/docs/", "/api/redoc/"):
        response = anon.get(page)
        assert response.status_code == 200 and b"<html" in response.content.lower()


def test_admin_is_mounted(anon):
    assert anon.get("/admin/login/").status_code == 200


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_get_json_404(anon, settings, debug):
    settings.DEBUG = debug  # `make run` serves with DEBUG on
    response = anon.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No API endpoint at /api/no-such-thing/."


def test_bodies_over_one_mebibyte_get_413_before_parsing(user_client):
    big = '{"bio": "' + "x" * (1024 * 1024) + '"}'
    response = user_client.patch("/api/auth/profile/", raw=big)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_a_413_carries_cors_headers_so_a_browser_client_can_read_it(user_client):
    big = '{"bio": "' + "x" * (1024 * 1024) + '"}'
    response = user_client.patch("/api/auth/profile/", raw=big, headers={"HTTP_ORIGIN": "http://localhost:3000"})
    assert response.status_code == 413
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_a_busy_or_unreachable_database_is_a_503_with_retry_after(user_client, monkeypatch):
    """No pooled connection free in time (or a database down) is the client's cue to retry, not a bug."""
    from django.db import OperationalError
    from pymongo.errors import ServerSelectionTimeoutError

    from backend.accounts.models import ApiTokenQuerySet
    from backend.training.services import workouts

    def raising(error):
        def fail(*args, **kwargs):
            raise error

        return fail

    with monkeypatch.context() as patch:
        patch.setattr(ApiTokenQuerySet, "for_key", raising(OperationalError("couldn't get a connection after 10.00 sec")))
        response = user_client.get("/api/workouts/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "try again" in response.json()["detail"]

    monkeypatch.setattr(workouts, "list_workouts", raising(ServerSelectionTimeoutError("no servers")))
    response = user_client.get("/api/workouts/")
    assert response.status_code == 503 and "try again" in response.json()["detail"]


def test_a_nonsense_content_length_gets_400(anon):
    response = anon.client.post(
        "/api/auth/login/", data="{}", content_type="application/json", CONTENT_LENGTH="banana"
    )
    assert response.status_code == 400


def test_cors_allows_configured_origins_only(anon):
    allowed = anon.get("/api/health/", headers={"HTTP_ORIGIN": "http://localhost:3000"})
    assert allowed["Access-Control-Allow-Origin"] == "http://localhost:3000"
    denied = anon.get("/api/health/", headers={"HTTP_ORIGIN": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied


def test_security_headers(anon):
    response = anon.get("/api/health/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


class TestPagination:
    paginator = PageNumberPagination()

    def page(self, items, query=""):
        request = RequestFactory().get(f"/api/things/{query}")
        params = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
        pagination = PageNumberPagination.Input(**{k: int(v) for k, v in params.items() if k in ("page", "page_size")})
        return self.paginator.paginate_queryset(items, pagination, request)

    def test_first_middle_and_last_pages(self):
        items = list(range(45))
        first = self.page(items)
        assert first["count"] == 45 and first["results"] == list(range(20)) and first["previous"] is None
        assert first["next"] == "http://testserver/api/things/?page=2"
        middle = self.page(items, "?page=2&status=planned")
        assert middle["results"] == list(range(20, 40))
        assert middle["previous"] == "http://testserver/api/things/?status=planned"
        assert middle["next"] == "http://testserver/api/things/?page=3&status=planned"
        last = self.page(items, "?page=3")
        assert last["results"] == list(range(40, 45)) and last["next"] is None

    def test_page_size(self):
        assert len(self.page(list(range(150)), "?page_size=100")["results"]) == 100
        with pytest.raises(Exception):
            PageNumberPagination.Input(page_size=101)
        with pytest.raises(Exception):
            PageNumberPagination.Input(page=0)

    def test_an_empty_list_is_one_empty_page_and_beyond_is_404(self):
        assert self.page([]) == {"count": 0, "next": None, "previous": None, "results": []}
        with pytest.raises(NotFound):
            self.page(list(range(5)), "?page=2")


def test_the_configured_backends_are_the_ones_in_use():
    """CI sets DATABASE_URL and REDIS_URL: prove the suite really runs on those servers."""
    import os

    from channels.layers import get_channel_layer
    from django.db import connection

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
        # pooled: under ASGI each request runs on a thread of its own, persistent connections would pile up
        assert connection.settings_dict["OPTIONS"]["pool"]["max_size"] >= 1
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
    else:
        assert connection.vendor == "sqlite"
    layer = type(get_channel_layer()).__name__
    assert layer == ("RedisPubSubChannelLayer" if os.environ.get("REDIS_URL") else "InMemoryChannelLayer")


@pytest.mark.parametrize("text", ["nul\x00inside", "lone \udaa4 surrogate"])
def test_text_that_no_database_can_store_is_a_400(user_client, text):
    """PostgreSQL refuses NUL characters and lone surrogates; they must never reach it."""
    responses = [
        user_client.post("/api/coaching/coaches/", {"username": text}),
        user_client.patch("/api/auth/profile/", {"bio": text}),
    ]
    if "\x00" in text:  # a URL cannot carry a lone surrogate at all: it is UTF-8, percent-encoded
        responses.append(user_client.get("/api/exercises/", {"search": text}))
    for response in responses:
        assert response.status_code == 400, response.content
        assert response.json()["detail"]
    assert user_client.delete("/api/coaching/coaches/a%00b/").status_code == 400


@pytest.mark.django_db(transaction=True)
async def test_a_request_enters_its_worker_thread_once(monkeypatch):
    """Django's own ASGI chain runs the sync middleware on a worker thread, goes back to the event
    loop to resolve the URL, then to the thread again for the view. backend.core.asgi enters the
    thread once: nothing in a request calls back into the event loop (about +17% requests/s)."""
    from asgiref.sync import AsyncToSync
    from channels.testing import HttpCommunicator

    from backend.config.asgi import application

    back_to_the_loop = []
    real_call = AsyncToSync.__call__

    def counting_call(self, *args, **kwargs):
        back_to_the_loop.append(self.awaitable)
        return real_call(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counting_call)
    request = HttpCommunicator(application, "GET", "/api/health/", headers=[(b"host", b"testserver")])
    response = await request.get_response()
    assert response["status"] == 200
    assert json.loads(response["body"])["status"] == "healthy"
    assert back_to_the_loop == []
