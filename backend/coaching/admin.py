from django.contrib import admin

from backend.coaching.models import CoachGrant


@admin.register(CoachGrant)
class CoachGrantAdmin(admin.ModelAdmin):
    list_display = ("athlete", "coach", "created_at")
    search_fields = ("athlete__username", "coach__username")
    raw_id_fields = ("athlete", "coach")
