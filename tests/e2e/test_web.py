"""Django serves the built app: deep links load it, hashed assets are cached for a year, the service
worker and manifest are revalidated, and the API, admin and static paths are untouched."""

import pytest
from django.test import Client

from backend.web.static import add_headers, immutable_file_test

# Declared, so pytest-django sets up the test database for this module (its autouse fixture is
# replaced in tests/e2e, where the browser tests need none).
pytestmark = pytest.mark.django_db


@pytest.fixture
def dist(tmp_path, settings):
    (tmp_path / "index.html").write_text("<!doctype html><title>Workout</title><div id=app></div>")
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/sessions/65f0c0ffee0123456789abcd", "/coach/alex/sessions/x", "/history"])
def test_app_routes_load_index_html_uncached(dist, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<div id=app>' in response.content
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Type"].startswith("text/html")


def test_api_admin_and_missing_files_are_not_the_app(dist):
    client = Client()
    missing = client.get("/api/no-such-thing/")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("No API endpoint")
    assert client.get("/api/health/").json()["status"] in ("healthy", "unhealthy")
    assert client.get("/admin").status_code == 301
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/favicon.png").status_code == 404
    assert client.post("/sessions/x").status_code == 405


def test_an_unbuilt_app_says_how_to_build_it(tmp_path, settings):
    settings.FRONTEND_DIST = tmp_path / "missing"
    response = Client().get("/")
    assert response.status_code == 503 and b"make run" in response.content


def test_cache_headers_for_the_built_files():
    for url in ("/assets/index-DAyFOSnh.js", "/assets/index-DZIJl0G_.css", "/workbox-9c191d2f.js"):
        headers = {}
        add_headers(headers, "", url)
        assert immutable_file_test("", url)
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/sw.js", "/manifest.webmanifest", "/index.html", "/icons/icon-192.png"):
        headers = {}
        add_headers(headers, "", url)
        assert not immutable_file_test("", url)
        assert headers["Cache-Control"] == "no-cache"
    headers = {}
    add_headers(headers, "", "/manifest.webmanifest")
    assert headers["Content-Type"] == "application/manifest+json"
    assert immutable_file_test("", "/static/admin/css/base.0123456789ab.css")


def test_export_openapi_writes_the_schema(tmp_path):
    import json

    from django.core.management import call_command

    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    schema = json.loads(target.read_text())
    assert "/api/workout-sessions/" in schema["paths"]
    assert "LogOut" in schema["components"]["schemas"]
