"""Websocket consumers. They authenticate, check who may watch, send a snapshot, then relay
events the services publish. They never write training data."""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from backend.accounts.auth import user_for_key
from backend.coaching import services as coaching
from backend.core.errors import Forbidden, NotFound
from backend.live import events
from backend.live.timer import SessionClock

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TRY_AGAIN = 1013  # the protocol's "try again later": the channel layer could not be reached
HEARTBEAT_SECONDS = 5
MAX_CLIENT_MESSAGE_BYTES = 4096


class _LayerUnavailable(Exception):
    """Joining a group failed: the channel layer (Redis) is down or refused the connection."""


class _TokenConsumer(AsyncJsonWebsocketConsumer):
    """Shared by both sockets: token from the query string, ping/pong, tolerant JSON input."""

    groups_joined: list[str]

    async def dispatch(self, message):
        # channels closes stale database connections on a worker thread before every handler: for
        # a relayed event that is a thread hop per socket per message, which was about 45% of the
        # server's CPU while fanning a set out to 500 sockets (py-spy). Relaying touches no database,
        # and every handler that does goes through database_sync_to_async, which closes them itself.
        if message["type"] == events.RELAY:
            await self.live_event(message)
        else:
            await super().dispatch(message)

    async def websocket_connect(self, message):
        # Without this a layer failure while joining is an exception in the handshake: the client
        # sees HTTP 500 instead of a close code it can act on (reconnect with back-off).
        try:
            await super().websocket_connect(message)
        except _LayerUnavailable:
            logger.exception("live socket %s refused: the channel layer is unavailable", self.scope.get("path"))
            await self.refuse(CLOSE_TRY_AGAIN)

    async def authenticate(self):
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        key = (query.get("token") or [""])[0]
        return await database_sync_to_async(user_for_key)(key) if key else None

    async def refuse(self, code: int):
        # Accept first so the client sees the reason in the close code, not a bare handshake failure.
        await self.accept()
        await self.close(code=code)

    async def join(self, group: str):
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:
            raise _LayerUnavailable(group) from exc
        self.groups_joined.append(group)

    async def leave(self, group: str):
        await self.channel_layer.group_discard(group, self.channel_name)
        if group in self.groups_joined:
            self.groups_joined.remove(group)

    async def disconnect(self, code):
        for group in list(getattr(self, "groups_joined", [])):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_CLIENT_MESSAGE_BYTES:
            await self.send_json({"type": "error", "detail": "Send JSON text messages of at most 4096 bytes."})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json({"type": "error", "detail": "Messages must be JSON objects."})
            return
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "detail": "Messages must be JSON objects."})
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "server_time": events.now_iso()})
        else:
            await self.send_json(
                {"type": "error", "detail": "Unknown message type; this socket only answers {\"type\": \"ping\"}."}
            )


class SessionConsumer(_TokenConsumer):
    """ws/sessions/<session_id>/?token=<key>: one session, for its owner and granted coaches."""

    async def connect(self):
        self.groups_joined = []
        self.heartbeat = None
        user = await self.authenticate()
        if user is None:
            return await self.refuse(CLOSE_UNAUTHENTICATED)
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        from backend.training.services import snapshots  # training loads after the app registry

        try:
            snapshot = await database_sync_to_async(snapshots.session_snapshot)(user.id, session_id)
        except NotFound:
            return await self.refuse(CLOSE_NOT_FOUND)
        except Forbidden:
            return await self.refuse(CLOSE_FORBIDDEN)
        self.viewer_id = user.id
        self.owner_id = snapshot.pop("user_id")
        self.clock = SessionClock.from_snapshot(snapshot)
        await self.join(events.session_group(snapshot["session_id"]))
        if self.owner_id != self.viewer_id:
            await self.join(events.coach_group(self.viewer_id))  # to hear about revocation
        await self.accept()
        await self.send_json(snapshot)
        self.heartbeat = asyncio.create_task(self._beat(snapshot["session_id"]))

    async def disconnect(self, code):
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        await super().disconnect(code)

    async def _beat(self, session_id: str):
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            if self.clock.status == "in_progress":
                await self.send_json(
                    {
                        "type": "timer",
                        "session_id": session_id,
                        "server_time": events.now_iso(),
                        "elapsed_seconds": self.clock.elapsed_seconds(),
                        "paused": self.clock.paused,
                    }
                )

    async def live_event(self, message):
        for event in message["events"]:
            if event["event_type"].startswith("session."):
                self.clock.apply(json.loads(event["text"]))
            await self.send(text_data=event["text"])

    async def grant_revoked(self, message):
        if message["athlete_id"] == self.owner_id:
            await self.close(code=CLOSE_FORBIDDEN)

    async def grant_created(self, message):
        pass


class CoachConsumer(_TokenConsumer):
    """ws/coach/?token=<key>: every live event of every athlete who granted this coach."""

    async def connect(self):
        self.groups_joined = []
        user = await self.authenticate()
        if user is None:
            return await self.refuse(CLOSE_UNAUTHENTICATED)
        self.coach_id = user.id
        self.athletes = dict(await database_sync_to_async(_athlete_names)(user.id))
        await self.join(events.coach_group(user.id))
        for athlete_id in self.athletes:
            await self.join(events.athlete_group(athlete_id))
        await self.accept()
        await self.send_json(
            {
                "type": "coach.snapshot",
                "server_time": events.now_iso(),
                "athletes": sorted(self.athletes.values()),
            }
        )

    async def live_event(self, message):
        athlete_id = message.get("athlete_id")
        if athlete_id not in self.athletes:
            return
        for item in message["events"]:
            event = json.loads(item["text"])
            if event["type"].startswith("session."):
                event["type"] = "athlete." + event["type"]
            event["athlete"] = self.athletes[athlete_id]
            await self.send_json(event)

    async def grant_created(self, message):
        athlete_id = message["athlete_id"]
        self.athletes = dict(await database_sync_to_async(_athlete_names)(self.coach_id))
        if athlete_id in self.athletes:
            await self.join(events.athlete_group(athlete_id))
            await self.send_json(
                {"type": "athlete.granted", "athlete": self.athletes[athlete_id], "server_time": events.now_iso()}
            )

    async def grant_revoked(self, message):
        athlete_id = message["athlete_id"]
        await self.leave(events.athlete_group(athlete_id))
        name = self.athletes.pop(athlete_id, None)
        if name:
            await self.send_json({"type": "athlete.revoked", "athlete": name, "server_time": events.now_iso()})


class UserConsumer(_TokenConsumer):
    """ws/me/?token=<key>: the user's own feed (events about their account, e.g. import progress)."""

    async def connect(self):
        self.groups_joined = []
        user = await self.authenticate()
        if user is None:
            return await self.refuse(CLOSE_UNAUTHENTICATED)
        await self.join(events.user_group(user.id))
        await self.accept()
        await self.send_json({"type": "me.snapshot", "server_time": events.now_iso(), "username": user.username})

    async def live_event(self, message):
        for event in message["events"]:
            await self.send(text_data=event["text"])


def _athlete_names(coach_id: int) -> list[tuple[int, str]]:
    from django.contrib.auth import get_user_model

    ids = coaching.athlete_ids_of(coach_id)
    return list(get_user_model().objects.filter(id__in=ids, is_active=True).values_list("id", "username"))
