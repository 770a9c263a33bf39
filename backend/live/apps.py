from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "backend.live"
    label = "live"

    def ready(self):
        from backend.coaching import services as coaching
        from backend.live import events

        coaching.revocation_listeners.append(events.publish_grant_revoked)
        coaching.grant_listeners.append(events.publish_grant_created)
