"""Shared fixtures. The suite runs on embedded defaults, or on the real servers named by
DATABASE_URL / REDIS_URL (CI sets both)."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from tests.servers import DaphneServer


@pytest.fixture(autouse=True)
def _db_access(db):
    """Every test may use the auth database (rolled back after each test)."""


@pytest.fixture(autouse=True)
def _clean_training_data():
    yield
    from mongoengine.connection import get_db

    database = get_db()
    for name in database.list_collection_names():
        database[name].delete_many({})


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


class ApiClient:
    """Django's test client speaking JSON, optionally with a token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("HTTP_AUTHORIZATION", f"Token {self.token}")
        return merged

    def request(self, method: str, path: str, data=None, raw: bytes | str | None = None, headers=None, **extra):
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        if body is not None:
            kwargs["data"] = body
        return getattr(self.client, method)(path, **kwargs, **self._headers(headers), **extra)

    def get(self, path, params=None, **kw):
        return self.client.get(path, params or {}, **self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, data=None, **kw):
        return self.request("post", path, data, **kw)

    def put(self, path, data=None, **kw):
        return self.request("put", path, data, **kw)

    def patch(self, path, data=None, **kw):
        return self.request("patch", path, data, **kw)

    def delete(self, path, **kw):
        return self.request("delete", path, **kw)


STRONG_PASSWORD = "correct-Horse-battery-9"


def register(username: str | None = None, password: str = STRONG_PASSWORD) -> tuple[ApiClient, dict]:
    username = username or f"user-{uuid.uuid4().hex[:10]}"
    anonymous = ApiClient()
    response = anonymous.post(
        "/api/auth/register/", {"username": username, "email": f"{username}@example.com", "password": password}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    return ApiClient(body["token"]), body["user"]


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()


@pytest.fixture
def user_client() -> ApiClient:
    client, user = register()
    client.user = user
    return client


@pytest.fixture
def other_client() -> ApiClient:
    client, user = register()
    client.user = user
    return client


@pytest.fixture
def daphne_server(tmp_path):
    """A real daphne process with its own data directory and auth database."""
    server = DaphneServer(tmp_path / "server-data")
    server.start()
    yield server
    server.stop()
    server.drop_database()
