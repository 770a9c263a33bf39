from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "backend.storage"
    label = "storage"

    def ready(self):
        from backend.storage import connection

        connection.register()
