from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "backend.coaching"
    label = "coaching"
    verbose_name = "Coaching grants"
