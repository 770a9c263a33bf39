"""The PWA in headless Chromium against a real daphne: the whole training flow, offline logging and
sync, a coach watching live, installability and the app loading with no network."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import STRONG_PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SESSION_URL = re.compile(r"/sessions/[0-9a-f]{24}$")


def watch_errors(page, errors: list):
    page.on("pageerror", lambda error: errors.append(str(error)))


def wait_live(page, timeout=10_000):
    expect(page.get_by_test_id("live-status")).to_have_text("Live", timeout=timeout)


def test_sign_up_build_train_and_see_it_in_history(server, browser, artifacts):
    context = browser.new_context(base_url=server.url, **PHONE)
    page = context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)

    # sign up
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("flowlifter")
    page.get_by_label("Email").fill("flow@example.com")
    page.get_by_label("Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="flowlifter")).to_be_visible()

    # build a workout: two exercises, targets, rest, reordered
    page.get_by_role("link", name="+ New workout").click()
    page.get_by_label("Name").fill("Push Day")
    for search, name in (("overhead press", "Overhead Press"), ("bench press", "Barbell Bench Press")):
        page.get_by_role("button", name="Add exercise").click()
        page.get_by_label("Search exercises").fill(search)
        page.get_by_test_id("pick-exercise").filter(has_text=re.compile(f"^.{{0,3}}{name}")).first.click()
    rows = page.get_by_test_id("workout-row")
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_role("button", name="Move up").click()
    expect(rows.first).to_contain_text("Barbell Bench Press")
    page.get_by_label("Barbell Bench Press Kg").fill("60")
    page.get_by_label("Barbell Bench Press Reps max").fill("8")
    page.get_by_label("Barbell Bench Press Rest s").fill("45")
    page.get_by_role("button", name="Create workout").click()
    expect(page.get_by_role("heading", name="Push Day")).to_be_visible()
    expect(page.get_by_text("3 × 8–8 @ 60 kg").or_(page.get_by_text("3 × 8 @ 60 kg"))).to_be_visible()

    # start it and log sets, prefilled from the targets
    page.get_by_role("button", name="Start workout").click()
    expect(page).to_have_url(SESSION_URL)
    wait_live(page)
    expect(page.get_by_label("Weight", exact=True)).to_have_value("60")
    expect(page.get_by_label("Reps", exact=True)).to_have_value("8")
    page.get_by_test_id("log-set").click()
    expect(page.get_by_test_id("logged-set")).to_have_count(1)
    expect(page.get_by_test_id("rest")).to_be_visible()
    page.get_by_role("button", name="More weight").click()
    page.get_by_role("group", name="RPE").get_by_role("button", name="8").click()
    page.get_by_test_id("log-set").click()
    expect(page.get_by_test_id("pr-badge")).to_be_visible()  # 62.5 kg beats 60 kg
    expect(page.get_by_test_id("logged-set")).to_have_count(2)
    expect(page.locator(".toast")).to_have_count(0, timeout=5_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(700)  # let the badge finish popping in
    page.screenshot(path=str(artifacts / "session-390x844.png"))
    page.get_by_role("button", name="Warm-up").click()
    page.get_by_test_id("log-set").click()
    expect(page.get_by_test_id("logged-set")).to_have_count(3)

    # finish with a rating and notes
    page.get_by_role("button", name="Finish workout").click()
    page.get_by_role("radio", name="4 stars").click()
    page.get_by_placeholder("Felt strong").fill("Solid session")
    page.get_by_test_id("complete-session").click()

    # history: the session with its sets, then the exercise's progress chart
    expect(page).to_have_url(re.compile(r"/history$"))
    item = page.get_by_test_id("history-item").first
    expect(item).to_contain_text("Push Day")
    expect(item).to_contain_text("Completed")
    item.click()
    expect(page.get_by_test_id("session-summary")).to_be_visible()
    expect(page.get_by_test_id("logged-set")).to_have_count(3)
    page.get_by_test_id("progress-link").first.click()
    expect(page.get_by_role("heading", name="Barbell Bench Press", level=1)).to_be_visible()
    expect(page.locator("[data-testid=progress-chart] canvas")).to_be_visible()
    page.get_by_role("tab", name="Volume").click()
    expect(page.locator("[data-testid=progress-chart] canvas")).to_be_visible()
    page.screenshot(path=str(artifacts / "progress-390x844.png"))
    assert errors == []
    context.close()


def test_sets_logged_offline_sync_once_when_the_network_returns(server, browser, account):
    athlete = account("offline")
    workout = athlete.workout("Legs", [("Back Squat", {"target_sets": 5, "target_reps_max": 5, "target_weight": 100})])
    session = athlete.call("POST", "/api/workout-sessions/", json={"workout": workout["id"], "status": "in_progress"})
    context = athlete.signed_in(browser, **PHONE)
    page = context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    page.goto(f"/sessions/{session['id']}")
    wait_live(page)
    expect(page.get_by_label("Weight", exact=True)).to_have_value("100")

    context.set_offline(True)
    for _ in range(3):
        page.get_by_test_id("log-set").click()
    expect(page.get_by_test_id("pending-set")).to_have_count(3)
    expect(page.get_by_test_id("pending-count")).to_have_text("3 pending")
    page.wait_for_timeout(500)
    assert athlete.logs(session["id"]) == []

    context.set_offline(False)
    expect(page.get_by_test_id("pending-set")).to_have_count(0, timeout=20_000)
    expect(page.get_by_test_id("logged-set")).to_have_count(3)
    logs = athlete.logs(session["id"])
    assert len(logs) == 3
    assert sorted(log["set_number"] for log in logs) == [1, 2, 3]
    assert len({log["client_id"] for log in logs}) == 3 and all(log["client_id"] for log in logs)

    # a session started offline syncs too, with its sets
    page.goto("/")
    expect(page.get_by_test_id("workout-item")).to_contain_text("Legs")
    page.wait_for_timeout(500)  # the workout's details are kept for offline starts
    context.set_offline(True)
    page.get_by_role("button", name="Start Legs").click()
    expect(page).to_have_url(re.compile(r"/sessions/local-"))
    expect(page.get_by_label("Weight", exact=True)).to_have_value("100")
    page.get_by_test_id("log-set").click()
    expect(page.get_by_test_id("pending-set")).to_have_count(1)
    context.set_offline(False)
    expect(page).to_have_url(SESSION_URL, timeout=20_000)
    offline_session = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("logged-set")).to_have_count(1, timeout=20_000)
    detail = athlete.call("GET", f"/api/workout-sessions/{offline_session}/")
    assert detail["status"] == "in_progress" and detail["client_id"]
    assert [log["reps"] for log in detail["logs"]] == [5]
    assert errors == []
    context.close()


def test_a_coach_sees_a_set_within_two_seconds(server, browser, account, artifacts):
    athlete, coach = account("maya"), account("coach")
    workout = athlete.workout(
        "Upper A",
        [
            ("Barbell Bench Press", {"target_sets": 4, "target_reps_max": 6, "target_weight": 80}),
            ("Barbell Row", {"target_sets": 4, "target_reps_max": 8, "target_weight": 70}),
        ],
    )
    # a little history, so compliance has something to say
    done = athlete.call("POST", "/api/workout-sessions/", json={"workout": workout["id"], "status": "in_progress"})
    athlete.call("POST", f"/api/workout-sessions/{done['id']}/complete/", json={"rating": 4})
    session = athlete.call("POST", "/api/workout-sessions/", json={"workout": workout["id"], "status": "in_progress"})
    # a second athlete, resting today
    other = account("jordan")
    other.call("POST", "/api/coaching/coaches/", json={"username": coach.username})
    easy = other.workout("Easy Run", [("Treadmill Running", {"target_duration_seconds": 1800})])
    for rating in (5, 3):
        ran = other.call("POST", "/api/workout-sessions/", json={"workout": easy["id"], "status": "in_progress"})
        other.call("POST", f"/api/workout-sessions/{ran['id']}/complete/", json={"rating": rating})
    other.call("POST", "/api/workout-sessions/", json={"workout": easy["id"]})  # planned, not done

    # the athlete grants access from their profile
    athlete_context = athlete.signed_in(browser, **PHONE)
    lifter = athlete_context.new_page()
    lifter.goto("/profile")
    lifter.get_by_label("Coach's username").fill(coach.username)
    lifter.get_by_role("button", name="Grant").click()
    expect(lifter.get_by_test_id("coach-list")).to_contain_text(coach.username)

    coach_context = coach.signed_in(browser, **DESKTOP)
    dashboard = coach_context.new_page()
    errors: list[str] = []
    watch_errors(dashboard, errors)
    dashboard.goto("/coach")
    card = dashboard.get_by_test_id("athlete-card").filter(has_text=athlete.username)
    expect(card.get_by_test_id("live-session-link")).to_be_visible()
    watch = coach_context.new_page()
    watch_errors(watch, errors)
    watch.goto(f"/coach/{athlete.username}/sessions/{session['id']}")
    expect(watch.get_by_test_id("coach-session")).to_contain_text("Upper A")
    expect(watch.get_by_text("Live", exact=True)).to_be_visible(timeout=10_000)

    watch_errors(lifter, errors)
    lifter.goto(f"/sessions/{session['id']}")
    wait_live(lifter)
    expect(lifter.get_by_label("Weight", exact=True)).to_have_value("80")

    for n in (1, 2):
        started = time.monotonic()
        lifter.get_by_test_id("log-set").click()
        expect(watch.get_by_test_id("logged-set")).to_have_count(n, timeout=2_000)
        assert time.monotonic() - started < 2.0
    expect(card.get_by_test_id("live-last-set")).to_contain_text("Barbell Bench Press", timeout=2_000)
    expect(card).to_contain_text("2 sets")
    expect(dashboard.get_by_test_id("live-feed")).to_contain_text(athlete.username)
    dashboard.bring_to_front()
    dashboard.wait_for_timeout(400)
    dashboard.screenshot(path=str(artifacts / "coach-dashboard-1280x800.png"))
    watch.screenshot(path=str(artifacts / "coach-live-session-1280x800.png"))

    # revoking takes the athlete off the dashboard at once
    lifter.goto("/profile")
    lifter.get_by_role("button", name="Revoke").click()
    expect(lifter.get_by_test_id("coach-list")).to_have_count(0)
    expect(dashboard.get_by_test_id("athlete-card")).to_have_count(1, timeout=5_000)
    expect(dashboard.get_by_test_id("athlete-card")).to_contain_text("jordan")
    assert errors == []
    athlete_context.close()
    coach_context.close()


def test_installable_and_loads_from_cache_offline(server, playwright_instance, account, tmp_path):
    user = account("install")
    user.workout("Offline Friendly", [("Barbell Bench Press", {"target_sets": 3})])
    # incognito contexts are never installable: a persistent profile, as a person's browser has
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
        base_url=server.url, **PHONE,
    )
    context.add_init_script(
        f"if (!localStorage.getItem('workout.token')) {{ localStorage.setItem('workout.token', '{user.token}');"
        f" localStorage.setItem('workout.user', JSON.stringify({{id: {user.id}}})); }}"
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/")
    expect(page.get_by_test_id("workout-item")).to_contain_text("Offline Friendly")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    page.wait_for_timeout(500)  # the home page keeps the library and history for offline use

    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and '"display": "standalone"' in manifest["data"].replace('":"', '": "')
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    # no network at all: the shell comes from the service worker, the data from IndexedDB
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("workout-item")).to_contain_text("Offline Friendly")
    expect(page.get_by_test_id("network-banner")).to_contain_text("Offline")
    page.goto("/history")  # a deep link, offline
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.goto("/exercises")  # the library's first page was kept too
    expect(page.get_by_role("heading", name="Exercises", exact=True)).to_be_visible()
    expect(page.get_by_test_id("exercise-list")).to_contain_text("Barbell Bench Press")
    context.close()


def test_the_live_socket_reconnects_and_resyncs_from_the_snapshot(server, browser, account):
    athlete = account("resync")
    workout = athlete.workout("Pull", [("Barbell Row", {"target_sets": 3, "target_reps_max": 8, "target_weight": 60})])
    session = athlete.call("POST", "/api/workout-sessions/", json={"workout": workout["id"], "status": "in_progress"})
    row = athlete.exercise("Barbell Row")["id"]
    context = athlete.signed_in(browser, **PHONE)
    page = context.new_page()
    page.goto(f"/sessions/{session['id']}")
    wait_live(page)
    expect(page.get_by_label("Weight", exact=True)).to_have_value("60")

    server.stop()  # the socket drops; the page keeps trying, backing off
    expect(page.get_by_test_id("live-status")).not_to_have_text("Live", timeout=10_000)
    server.start()
    # a set logged elsewhere (another device) while this page is still disconnected
    athlete.call("POST", "/api/exercise-logs/", json={"workout_session": session["id"], "exercise": row, "set_number": 1, "reps": 8, "weight": 60})
    wait_live(page, timeout=20_000)  # the next try comes within the backoff's 5 s cap
    expect(page.get_by_test_id("logged-set")).to_have_count(1, timeout=10_000)
    expect(page.get_by_test_id("logged-set")).to_contain_text("60kg ×8")
    expect(page.get_by_test_id("log-set")).to_have_text("Log set 2")
    context.close()
