from backend.training.services.profiles import ensure_profile


def create_profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    # Runs inside the registration transaction: if MongoDB refuses, the user is rolled back too.
    if created and not raw:
        ensure_profile(instance.id)
