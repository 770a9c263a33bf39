"""How well an athlete keeps to their plan, for their coaches."""

from datetime import timedelta

from backend.training.documents import WorkoutSession, utcnow

WINDOWS = (7, 30, 90)


def compliance(athlete_id: int) -> dict:
    """Per window of recent days: sessions planned for it (any status) and how many were completed."""
    now = utcnow()
    oldest = now - timedelta(days=max(WINDOWS))
    sessions = list(
        WorkoutSession.objects(user_id=athlete_id, session_date__gte=oldest, session_date__lte=now).only(
            "status", "session_date"
        )
    )
    windows = []
    for days in WINDOWS:
        since = now - timedelta(days=days)
        in_window = [s for s in sessions if s.session_date >= since]
        completed = sum(1 for s in in_window if s.status == "completed")
        planned = len(in_window)
        windows.append(
            {
                "days": days,
                "planned": planned,
                "completed": completed,
                "rate": round(completed / planned, 3) if planned else None,
            }
        )
    return {"windows": windows}
