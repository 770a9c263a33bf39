from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "backend.training"
    label = "training"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from backend.training.signals import create_profile_for_new_user

        post_save.connect(create_profile_for_new_user, sender=get_user_model(), dispatch_uid="training-profile")
