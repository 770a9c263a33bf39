"""Training data as mongoengine documents (MongoDB, or the embedded store).

Every list endpoint's query has an index declared here. Times are naive UTC with millisecond
precision, which is what MongoDB stores and gives back.
"""

from datetime import datetime, timezone

from mongoengine import (
    CASCADE,
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    FloatField,
    IntField,
    ListField,
    ObjectIdField,
    ReferenceField,
    StringField,
    URLField,
)

from backend.training.constants import (
    DIFFICULTY_LEVELS,
    EXERCISE_CATEGORIES,
    EXPERIENCE_LEVELS,
    FITNESS_GOALS,
    MUSCLE_GROUPS,
    SESSION_STATUS,
    SET_TYPES,
)


def utcnow() -> datetime:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class UserProfile(Document):
    """Fitness details for one Django user (linked by id; the user lives in the auth database)."""

    user_id = IntField(required=True, unique=True)
    bio = StringField(max_length=500)
    height = FloatField(min_value=0)  # cm
    weight = FloatField(min_value=0)  # kg
    date_of_birth = DateTimeField()
    fitness_goal = StringField(choices=FITNESS_GOALS)
    experience_level = StringField(choices=EXPERIENCE_LEVELS)
    preferred_workout_types = ListField(StringField(max_length=50))
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "user_profiles", "indexes": []}


class Exercise(Document):
    """The library: system exercises (is_custom false) and users' own (private unless is_public)."""

    name = StringField(required=True, max_length=200)
    description = StringField(max_length=5000)
    category = StringField(choices=EXERCISE_CATEGORIES, required=True)
    difficulty_level = StringField(choices=DIFFICULTY_LEVELS, default="beginner")
    primary_muscles = ListField(StringField(choices=MUSCLE_GROUPS))
    secondary_muscles = ListField(StringField(choices=MUSCLE_GROUPS))
    equipment_needed = ListField(StringField(max_length=50))
    instructions = ListField(StringField(max_length=1000))
    aliases = ListField(StringField(max_length=200))  # other apps' names, for imports
    video_url = URLField()
    image_url = URLField()
    is_custom = BooleanField(default=False)
    created_by_user_id = IntField()
    is_public = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "exercises",
        "indexes": [
            "created_by_user_id",
            ("is_custom", "is_public"),
            "category",
            "name",
        ],
        "ordering": ["name"],
    }


class WorkoutExercise(EmbeddedDocument):
    exercise = ReferenceField(Exercise, required=True)
    order = IntField(required=True, min_value=1)
    target_sets = IntField(min_value=1)
    target_reps_min = IntField(min_value=1)
    target_reps_max = IntField(min_value=1)
    target_weight = FloatField(min_value=0)
    target_duration_seconds = IntField(min_value=0)  # work per set, for timed exercises
    rest_seconds = IntField(min_value=0, default=60)
    superset_group = StringField(max_length=20)  # exercises sharing a group are done back to back
    notes = StringField(max_length=500)


class Workout(Document):
    """A template: which exercises, in which order, with which targets."""

    name = StringField(required=True, max_length=200)
    description = StringField(max_length=5000)
    created_by_user_id = IntField(required=True)
    exercises = EmbeddedDocumentListField(WorkoutExercise)
    difficulty_level = StringField(choices=DIFFICULTY_LEVELS)
    estimated_duration_minutes = IntField(min_value=1)
    tags = ListField(StringField(max_length=50))
    is_template = BooleanField(default=False)
    is_public = BooleanField(default=False)
    total_exercises = IntField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "workouts",
        # exercises.exercise: deleting an exercise counts the workouts that use it
        "indexes": [("created_by_user_id", "-created_at"), ("is_public", "-created_at"), "tags", "exercises.exercise"],
        "ordering": ["-created_at"],
    }


class WorkoutSession(Document):
    """One performance of a workout, from planned through in_progress to completed or cancelled."""

    user_id = IntField(required=True)
    workout = ReferenceField(Workout, required=True)
    status = StringField(choices=SESSION_STATUS, default="planned")
    # The day the session belongs to: when it was planned for, then when it started.
    session_date = DateTimeField(required=True, default=utcnow)
    start_time = DateTimeField()
    end_time = DateTimeField()
    paused_at = DateTimeField()  # set while paused
    paused_seconds = FloatField(min_value=0, default=0)  # pauses that have ended
    actual_duration_minutes = IntField(min_value=0)
    notes = StringField(max_length=5000)
    rating = IntField(min_value=1, max_value=5)
    calories_burned = IntField(min_value=0)
    total_volume = FloatField(min_value=0, default=0)
    rest_ends_at = DateTimeField()  # the rest timer after the latest set
    client_id = StringField(max_length=64)  # made by an offline client; repeats are the same session
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "workout_sessions",
        "indexes": [
            ("user_id", "-session_date"),
            ("user_id", "status", "-session_date"),
            ("user_id", "workout", "-session_date"),
            "workout",  # deleting a workout counts its sessions, whoever ran them
            {
                "fields": ["user_id", "client_id"],
                "unique": True,
                "partialFilterExpression": {"client_id": {"$type": "string"}},
            },
        ],
        "ordering": ["-session_date"],
    }


class ExerciseLog(Document):
    """One set."""

    workout_session = ReferenceField(WorkoutSession, required=True, reverse_delete_rule=CASCADE)
    exercise = ReferenceField(Exercise, required=True)
    user_id = IntField(required=True)
    set_number = IntField(required=True, min_value=1)
    set_type = StringField(choices=SET_TYPES, default="normal")
    reps = IntField(min_value=0)
    weight = FloatField(min_value=0)  # kg
    duration_seconds = IntField(min_value=0)
    distance = FloatField(min_value=0)  # metres
    rpe = FloatField(min_value=1, max_value=10)
    rir = IntField(min_value=0)
    notes = StringField(max_length=500)
    client_id = StringField(max_length=64)  # made by an offline client; repeats are the same set
    completed_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "exercise_logs",
        "indexes": [
            ("user_id", "workout_session", "set_number"),
            ("user_id", "exercise", "completed_at"),
            ("user_id", "-completed_at"),
            "exercise",  # deleting an exercise counts its sets, whoever logged them
            {
                "fields": ["user_id", "client_id"],
                "unique": True,
                "partialFilterExpression": {"client_id": {"$type": "string"}},
            },
        ],
        "ordering": ["-completed_at"],
    }


class RecordSet(EmbeddedDocument):
    """The set that holds a personal record: its value, when it was done, and which log it is."""

    value = FloatField(required=True)
    date = DateTimeField(required=True)
    log_id = ObjectIdField(required=True)


class PersonalRecord(Document):
    """A user's best sets on one exercise (warm-ups excluded), kept up to date as sets are written,
    so reading records never scans the logs."""

    user_id = IntField(required=True)
    exercise = ReferenceField(Exercise, required=True)
    heaviest_weight = EmbeddedDocumentField(RecordSet)
    most_reps = EmbeddedDocumentField(RecordSet)
    best_set_volume = EmbeddedDocumentField(RecordSet)  # reps x weight
    best_e1rm = EmbeddedDocumentField(RecordSet)  # Epley estimate of the one-rep max
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "personal_records",
        "indexes": [{"fields": ["user_id", "exercise"], "unique": True}],
    }
