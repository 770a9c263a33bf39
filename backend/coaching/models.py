from django.conf import settings
from django.db import models


class CoachGrant(models.Model):
    """An athlete lets a coach read their training data. Deleting it revokes access at once."""

    athlete = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="coach_grants", on_delete=models.CASCADE)
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="athlete_grants", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "coach"], name="one_grant_per_pair"),
            models.CheckConstraint(condition=~models.Q(athlete=models.F("coach")), name="no_self_coaching"),
        ]

    def __str__(self) -> str:
        return f"{self.coach} coaches {self.athlete}"
