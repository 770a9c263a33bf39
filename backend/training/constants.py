"""The seed document's choices, in one place for documents, schemas and the PWA's generated types."""

from enum import Enum


class FitnessGoal(str, Enum):
    weight_loss = "weight_loss"
    muscle_gain = "muscle_gain"
    endurance = "endurance"
    flexibility = "flexibility"
    general_fitness = "general_fitness"


class ExperienceLevel(str, Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
    expert = "expert"


class ExerciseCategory(str, Enum):
    strength = "strength"
    cardio = "cardio"
    flexibility = "flexibility"
    balance = "balance"
    plyometrics = "plyometrics"
    powerlifting = "powerlifting"
    olympic_weightlifting = "olympic_weightlifting"
    calisthenics = "calisthenics"
    sports = "sports"


class Difficulty(str, Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
    expert = "expert"


class MuscleGroup(str, Enum):
    chest = "chest"
    back = "back"
    shoulders = "shoulders"
    arms = "arms"
    legs = "legs"
    core = "core"
    glutes = "glutes"
    cardio = "cardio"


class SessionStatus(str, Enum):
    planned = "planned"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


class SetType(str, Enum):
    normal = "normal"
    warmup = "warmup"
    dropset = "dropset"
    failure = "failure"


def choices(enum: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


FITNESS_GOALS = choices(FitnessGoal)
EXPERIENCE_LEVELS = choices(ExperienceLevel)
EXERCISE_CATEGORIES = choices(ExerciseCategory)
DIFFICULTY_LEVELS = choices(Difficulty)
MUSCLE_GROUPS = choices(MuscleGroup)
SESSION_STATUS = choices(SessionStatus)
SET_TYPES = choices(SetType)
