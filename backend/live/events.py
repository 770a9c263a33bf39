"""Publishing live events. Services call these after a write succeeds; consumers relay them.

Every event is a JSON object: {"type", "session_id", "server_time", ...}. Groups:
  session.<id>   sockets watching one session (owner's devices and granted coaches)
  athlete.<uid>  coach dashboards of everyone the athlete granted
  coach.<uid>    a coach's sockets, told when a grant appears or is revoked
  user.<uid>     a user's own feed (ws/me/): events about their account, e.g. import progress
"""

import asyncio
import json
import logging
from datetime import datetime, timezone
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# The consumer method that forwards events to its socket (live_event). A message carries a list:
# {"type": RELAY, "events": [{"event_type", "text"}, ...]}, each event one frame, in order.
RELAY = "live.event"


def session_group(session_id: Any) -> str:
    return f"session.{session_id}"


def athlete_group(user_id: int) -> str:
    return f"athlete.{user_id}"


def coach_group(user_id: int) -> str:
    return f"coach.{user_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def iso(moment: datetime | None) -> str | None:
    """Naive-UTC (as stored) or aware datetimes as ISO 8601 with a Z."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


def _send(group: str, message: dict) -> None:
    _send_all([(group, message)])


def _send_all(deliveries: list[tuple[str, dict]]) -> None:
    """Sends to several groups in one trip to the event loop (each trip from a request's thread
    costs a hop there and back); the sends themselves run concurrently."""
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all():
        results = await asyncio.gather(*(layer.group_send(group, message) for group, message in deliveries), return_exceptions=True)
        for (group, message), result in zip(deliveries, results):
            if isinstance(result, Exception):  # the write already succeeded; a lost notification must not undo it
                logger.error("could not publish %s to %s", _names(message), group, exc_info=result)

    try:
        loop = _request_loop()
        if loop is not None:
            asyncio.run_coroutine_threadsafe(send_all(), loop).result()
        else:
            async_to_sync(send_all)()
    except Exception:
        logger.exception("could not publish to %s", ", ".join(group for group, _ in deliveries))


def _names(message: dict) -> str:
    return ", ".join(item["event_type"] for item in message["events"]) if "events" in message else message["type"]


def _request_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop serving this request, when this is a sync view's thread under ASGI (asgiref
    records it there). Sending on it directly skips what async_to_sync adds for code that calls
    back into this thread, which these sends never do (measured: about 7% of a logged set's CPU)."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or not loop.is_running() or asyncio._get_running_loop() is loop:
        return None
    return loop


def publish(event_type: str, session_id: Any, athlete_id: int, **payload: Any) -> dict:
    """Sends one event to the session's sockets and to the athlete's coaches' dashboards."""
    return publish_all(session_id, athlete_id, [(event_type, payload)])[0]


def publish_all(session_id: Any, athlete_id: int, items: list[tuple[str, dict[str, Any]]]) -> list[dict]:
    """Sends several events of one session, in order, as one message per group: a set logged with
    the records it beat and the rest it starts costs one channel-layer send per group, not one per
    event (each send is several round trips to Redis, and one message per socket to relay)."""
    server_time = now_iso()
    sent = [{"type": event_type, "session_id": str(session_id), "server_time": server_time, **payload} for event_type, payload in items]
    message = _relay(sent)
    _send_all([(session_group(session_id), message), (athlete_group(athlete_id), {**message, "athlete_id": athlete_id})])
    return sent


def _relay(sent: list[dict]) -> dict:
    # Encoded once here rather than once per socket: one set fans out to hundreds of sockets.
    return {"type": RELAY, "events": [{"event_type": event["type"], "text": json.dumps(event)} for event in sent]}


def publish_to_user(user_id: int, event_type: str, **payload: Any) -> dict:
    """An event for every socket the user holds on ws/me/ (not tied to a session)."""
    event = {"type": event_type, "server_time": now_iso(), **payload}
    _send(user_group(user_id), _relay([event]))
    return event


def publish_grant_created(athlete_id: int, coach_id: int) -> None:
    _send(coach_group(coach_id), {"type": "grant.created", "athlete_id": athlete_id})


def publish_grant_revoked(athlete_id: int, coach_id: int) -> None:
    _send(coach_group(coach_id), {"type": "grant.revoked", "athlete_id": athlete_id})
