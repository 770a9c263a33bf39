from django.core.management.base import BaseCommand

from backend.training.services.library import LIBRARY_FILE, seed_exercises


class Command(BaseCommand):
    help = "Loads the exercise library shipped with Workout API (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(LIBRARY_FILE), help="JSON file to load instead of the shipped one.")

    def handle(self, *args, **options):
        result = seed_exercises(options["file"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Exercise library: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
