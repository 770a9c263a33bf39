"""A socket's view of a session's clock, kept current from events, so heartbeats need no query."""

from dataclasses import dataclass
from datetime import datetime, timezone


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


@dataclass
class SessionClock:
    status: str
    start_time: datetime | None = None
    end_time: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: float = 0.0

    _FIELDS = ("status", "start_time", "end_time", "paused_at", "paused_seconds")

    @classmethod
    def from_snapshot(cls, data: dict) -> "SessionClock":
        clock = cls(status=data["status"])
        clock.apply(data)
        return clock

    def apply(self, event: dict) -> None:
        """Takes the session state an event carries (session.* events carry all of it)."""
        if "status" not in event:
            return
        self.status = event["status"]
        self.start_time = parse_iso(event.get("start_time"))
        self.end_time = parse_iso(event.get("end_time"))
        self.paused_at = parse_iso(event.get("paused_at"))
        self.paused_seconds = float(event.get("paused_seconds") or 0)

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def elapsed_seconds(self, now: datetime | None = None) -> int:
        """Seconds of training so far: wall time since the start minus every pause."""
        if self.start_time is None:
            return 0
        now = now or datetime.now(timezone.utc)
        until = self.end_time or self.paused_at or now
        return max(0, int((until - self.start_time).total_seconds() - self.paused_seconds))
