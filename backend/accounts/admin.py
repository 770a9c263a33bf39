from django.contrib import admin

from backend.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "name", "created_at")
    search_fields = ("user__username", "prefix")
    readonly_fields = ("user", "prefix", "name", "created_at")

    def has_add_permission(self, request):
        return False  # keys are shown once, to the client that logs in
