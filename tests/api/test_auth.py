"""Register, login, logout and token authentication."""

import pytest
from django.contrib.auth import get_user_model

from backend.accounts.models import ApiToken
from backend.training.documents import UserProfile
from tests.conftest import STRONG_PASSWORD, ApiClient, register


def test_register_returns_a_working_token_and_creates_the_profile(anon):
    response = anon.post(
        "/api/auth/register/", {"username": "alex", "email": "alex@example.com", "password": STRONG_PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "alex" and body["user"]["email"] == "alex@example.com"
    assert isinstance(body["user"]["id"], int)
    assert UserProfile.objects(user_id=body["user"]["id"]).count() == 1
    profile = ApiClient(body["token"]).get("/api/auth/profile/")
    assert profile.status_code == 200 and profile.json()["username"] == "alex"


def test_only_a_hash_of_each_token_is_stored(anon):
    client, user = register("hashme")
    stored = ApiToken.objects.get(user_id=user["id"])
    assert client.token not in (stored.key_hash, stored.prefix + stored.key_hash)
    assert len(stored.key_hash) == 64 and client.token.startswith(stored.prefix)


@pytest.mark.parametrize("taken", ["sam", "SAM", "Sam"])
def test_duplicate_usernames_are_refused_whatever_their_case(anon, taken):
    register("sam")
    response = anon.post("/api/auth/register/", {"username": taken, "email": "x@example.com", "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert "already exists" in response.json()["errors"]["username"][0]
    assert get_user_model().objects.filter(username__iexact="sam").count() == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"username": "kim", "email": "kim@example.com", "password": "short"}, "password"),
        ({"username": "kim", "email": "kim@example.com", "password": "password123"}, "password"),
        ({"username": "kim", "email": "kim@example.com", "password": "kim@example.com"}, "password"),
        ({"username": "kim", "email": "not-an-email", "password": STRONG_PASSWORD}, "email"),
        ({"username": "has space", "email": "kim@example.com", "password": STRONG_PASSWORD}, "username"),
        ({"username": "", "email": "kim@example.com", "password": STRONG_PASSWORD}, "username"),
        ({"username": "k" * 151, "email": "kim@example.com", "password": STRONG_PASSWORD}, "username"),
        ({"email": "kim@example.com", "password": STRONG_PASSWORD}, "username"),
        ({"username": ["kim"], "email": "kim@example.com", "password": STRONG_PASSWORD}, "username"),
        ({"username": "kim", "email": "kim@example.com", "password": 12345678}, "password"),
    ],
)
def test_invalid_registrations_name_the_field_and_write_nothing(anon, payload, field):
    response = anon.post("/api/auth/register/", payload)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]
    assert not get_user_model().objects.exists()
    assert UserProfile.objects.count() == 0


@pytest.mark.parametrize("raw", ["{not json", "[]", '"just a string"', "null", ""])
def test_malformed_bodies_get_a_json_400(anon, raw):
    response = anon.post("/api/auth/register/", raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_login_issues_a_new_token_per_device(anon):
    first, user = register("lee")
    response = anon.post("/api/auth/login/", {"username": "lee", "password": STRONG_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == user and body["token"] != first.token
    assert ApiClient(body["token"]).get("/api/auth/profile/").status_code == 200
    assert first.get("/api/auth/profile/").status_code == 200


@pytest.mark.parametrize("username, password", [("lee", "wrong-password-1"), ("nobody", STRONG_PASSWORD)])
def test_wrong_credentials_get_one_generic_401(anon, username, password):
    register("lee")
    response = anon.post("/api/auth/login/", {"username": username, "password": password})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid username or password."}


def test_inactive_users_cannot_log_in_and_their_tokens_stop_working(anon):
    client, user = register("gone")
    get_user_model().objects.filter(id=user["id"]).update(is_active=False)
    assert anon.post("/api/auth/login/", {"username": "gone", "password": STRONG_PASSWORD}).status_code == 401
    assert client.get("/api/auth/profile/").status_code == 401


def test_more_than_ten_failures_per_minute_for_a_username_are_throttled(anon):
    register("target")
    for _ in range(10):
        assert anon.post("/api/auth/login/", {"username": "target", "password": "nope-nope-1"}).status_code == 401
    blocked = anon.post("/api/auth/login/", {"username": "target", "password": STRONG_PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["detail"] and int(blocked["Retry-After"]) > 0


def test_failures_from_one_address_are_throttled_across_usernames(anon):
    register("victim")
    for i in range(10):
        anon.post("/api/auth/login/", {"username": f"guess{i}", "password": "nope-nope-1"})
    assert anon.post("/api/auth/login/", {"username": "victim", "password": STRONG_PASSWORD}).status_code == 429
    other_address = anon.post(
        "/api/auth/login/", {"username": "victim", "password": STRONG_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert other_address.status_code == 200


def test_logout_revokes_only_the_token_used(anon):
    client, _ = register("bye")
    second = ApiClient(anon.post("/api/auth/login/", {"username": "bye", "password": STRONG_PASSWORD}).json()["token"])
    response = client.post("/api/auth/logout/")
    assert response.status_code == 204
    assert client.get("/api/auth/profile/").status_code == 401
    assert client.post("/api/auth/logout/").status_code == 401
    assert second.get("/api/auth/profile/").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Token", "Token ", "Bearer abcdef", "Token not-a-real-token", "Token " + "0" * 40, "token"],
)
def test_missing_or_invalid_tokens_get_401(anon, header):
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = anon.get("/api/auth/profile/", headers=headers)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_token_scheme_is_case_insensitive(user_client):
    response = user_client.get("/api/auth/profile/", headers={"HTTP_AUTHORIZATION": f"token {user_client.token}"})
    assert response.status_code == 200
