from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "backend.portability"
    label = "portability"
    verbose_name = "Import and export"
