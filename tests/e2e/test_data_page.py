"""The PWA's Import & export page in headless Chromium against a real daphne: a years-long Strong
export imported with progress on the live feed, the same file again (nothing new), a malformed file
(every bad line named, nothing written), and a backup downloaded from one account and restored into
another through the page."""

import gzip
import json
import random
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.api.test_portability import FIXTURES
from tests.e2e.test_pwa import PHONE, watch_errors

pytestmark = pytest.mark.browser

STRONG_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"
LIFTS = ["Bench Press (Barbell)", "Squat (Barbell)", "Deadlift (Barbell)", "Zercher Good Morning"]

# Records every phase the progress bar shows, in order (the page replaces its attributes as it goes).
RECORD_PHASES = """() => {
  window.phasesSeen = [];
  const note = () => {
    const bar = document.querySelector('[role=progressbar]');
    const phase = bar && bar.dataset.phase;
    if (phase && window.phasesSeen[window.phasesSeen.length - 1] !== phase) window.phasesSeen.push(phase);
  };
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""


def strong_history(sessions: int) -> tuple[bytes, int]:
    """About three years of training in Strong's current layout: each session a warm-up, working
    sets, a drop set and a rest-timer row per lift. Returns the file and its number of sets."""
    rng = random.Random(11)
    start = datetime(2023, 1, 2, 7, 0)
    lines, sets = [STRONG_HEADER], 0
    for n in range(sessions):
        day = (start + timedelta(days=2 * n, minutes=rng.randint(0, 90))).strftime("%Y-%m-%d %H:%M:%S")
        name = f"Day {'ABC'[n % 3]}"
        for lift in LIFTS:
            top = 40 + n % 60 + rng.choice([0, 2.5, 5])
            lines.append(f"{day},{name},1h 5m,{lift},W,{top / 2},10,0,0,,,")
            for order in range(1, 5):
                lines.append(f'{day},{name},1h 5m,{lift},{order},{top},{rng.randint(3, 8)},0,0,"Set {order}, felt ok",,8')
            lines.append(f"{day},{name},1h 5m,{lift},D,{top * 0.7:.1f},12,0,0,,,")
            lines.append(f"{day},{name},1h 5m,{lift},Rest Timer,0,0,0,120,,,")
            sets += 6
    return ("\n".join(lines) + "\n").encode(), sets


def record_live_messages(page) -> list[dict]:
    """What the server sent the page on its user feed (ws/me/)."""
    messages: list[dict] = []

    def on_socket(ws):
        if "/ws/me/" in ws.url:
            ws.on("framereceived", lambda payload: messages.append(json.loads(payload)))

    page.on("websocket", on_socket)
    return messages


def open_data_page(page, messages):
    page.goto("/profile")
    page.get_by_test_id("data-link").click()
    expect(page.get_by_text("Import & export", exact=True)).to_be_visible()
    # the user feed is open before anything is uploaded, so progress has somewhere to go
    for _ in range(100):
        if any(m.get("type") == "me.snapshot" for m in messages):
            break
        page.wait_for_timeout(100)
    assert any(m.get("type") == "me.snapshot" for m in messages), messages


def test_import_with_progress_then_export_and_restore_elsewhere(server, browser, account, artifacts, tmp_path):
    lifter = account("importer")
    data, total_sets = strong_history(sessions=460)  # 11,040 sets: progress is reported every 5,000 rows
    context = lifter.signed_in(browser, **PHONE)
    page = context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    messages = record_live_messages(page)
    open_data_page(page, messages)

    # import a big Strong export; the bar goes through every phase
    page.evaluate(RECORD_PHASES)
    page.get_by_label("File to import").set_input_files(files=[{"name": "strong.csv", "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("button", name="Import from Strong").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("import-phase")).to_have_text("Done")
    tiles = {tile.locator(".label").inner_text(): tile.locator(".value").inner_text() for tile in summary.locator(".stat").all()}
    assert tiles["Sessions"].replace(",", "") == "460"
    assert tiles["Sets"].replace(",", "") == str(total_sets)
    assert tiles["New exercises"] == "1"  # Zercher Good Morning is not in the library
    expect(summary).to_contain_text("1,840 rows were not sets")  # the rest timers
    page.screenshot(path=str(artifacts / "import-390x844.png"), full_page=True)

    phases = page.evaluate("window.phasesSeen")
    progress = [m for m in messages if m.get("type") == "import.progress"]
    assert {m["phase"] for m in progress} == {"reading", "writing"}, progress
    shown = [p for p in phases if p in ("uploading", "reading", "writing", "done")]
    assert shown == ["uploading", "reading", "writing", "done"], phases
    assert lifter.call("GET", "/api/workout-sessions/", params={"page_size": 1})["count"] == 460
    assert lifter.call("GET", "/api/exercise-logs/", params={"page_size": 1})["count"] == total_sets

    # the same file again creates nothing
    page.get_by_label("File to import").set_input_files(files=[{"name": "strong.csv", "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("button", name="Import from Strong").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("Nothing new to import", timeout=120_000)
    expect(page.get_by_test_id("import-summary")).to_contain_text(f"All {total_sets:,} sets in this file were imported before")
    assert lifter.call("GET", "/api/exercise-logs/", params={"page_size": 1})["count"] == total_sets

    # a malformed file: every bad line is named and nothing is written
    page.get_by_label("File to import").set_input_files(str(FIXTURES / "strong_malformed.csv"))
    page.get_by_role("button", name="Import from Strong").click()
    failure = page.get_by_test_id("import-error")
    expect(failure).to_contain_text("Nothing was imported")
    expect(failure.locator("li").first).to_contain_text("line ")
    assert failure.locator("li").count() >= 3
    assert lifter.call("GET", "/api/exercise-logs/", params={"page_size": 1})["count"] == total_sets

    # download everything, compressed
    page.get_by_label("Compress (gzip)", exact=False).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download backup (JSON)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json.gz")
    backup_path = tmp_path / download.suggested_filename
    download.save_as(backup_path)
    backup = json.loads(gzip.decompress(backup_path.read_bytes()))
    assert len(backup["sessions"]) == 460 and len(backup["logs"]) == total_sets
    with page.expect_download() as csv_info:
        page.get_by_role("button", name="Download sets (CSV, Strong format)").click()
    assert csv_info.value.suggested_filename.endswith(".csv.gz")
    context.close()

    # restore the backup into a new account through its page
    newcomer = account("restorer")
    context = newcomer.signed_in(browser, **PHONE)
    page = context.new_page()
    watch_errors(page, errors)
    messages = record_live_messages(page)
    open_data_page(page, messages)
    page.get_by_role("radio", name="Backup").click()
    expect(page.get_by_label("Units, if the file does not say")).to_have_count(0)
    page.get_by_label("File to import").set_input_files(str(backup_path))
    page.get_by_role("button", name="Import from Backup").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible(timeout=120_000)
    tiles = {tile.locator(".label").inner_text(): tile.locator(".value").inner_text() for tile in summary.locator(".stat").all()}
    assert tiles["Sessions"].replace(",", "") == "460"
    assert tiles["Sets"].replace(",", "") == str(total_sets)
    assert newcomer.call("GET", "/api/exercise-logs/", params={"page_size": 1})["count"] == total_sets

    # a backup restores only into an empty account: the second time the page says why
    page.get_by_label("File to import").set_input_files(str(backup_path))
    page.get_by_role("button", name="Import from Backup").click()
    expect(page.get_by_test_id("import-error")).to_contain_text("already has training data (1 custom exercise, 3 workouts, 460 sessions and logged sets)")
    assert newcomer.call("GET", "/api/exercise-logs/", params={"page_size": 1})["count"] == total_sets
    context.close()
    assert errors == []
