"""Sanity checks for the bundled exercise library (backend/training/data/exercises.json).

Standard library only: no Django, so the data file can be validated on its own.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA_PATH = Path(__file__).resolve().parents[2] / "backend/training/data/exercises.json"

MIN_EXERCISES = 150
MAX_NAME_LENGTH = 200
MIN_INSTRUCTIONS = 3
MAX_INSTRUCTIONS = 8
MAX_DESCRIPTION_SENTENCES = 3

MIN_PER_CATEGORY = 8
MIN_PER_PRIMARY_MUSCLE = 5
MIN_PER_DIFFICULTY = 5

REQUIRED_KEYS = frozenset(
    {
        "name",
        "aliases",
        "description",
        "category",
        "difficulty_level",
        "primary_muscles",
        "secondary_muscles",
        "equipment_needed",
        "instructions",
    }
)

CATEGORIES = (
    "strength",
    "cardio",
    "flexibility",
    "balance",
    "plyometrics",
    "powerlifting",
    "olympic_weightlifting",
    "calisthenics",
    "sports",
)

DIFFICULTY_LEVELS = ("beginner", "intermediate", "advanced", "expert")

MUSCLE_GROUPS = ("chest", "back", "shoulders", "arms", "legs", "core", "glutes", "cardio")

EQUIPMENT = frozenset(
    {
        "barbell",
        "dumbbell",
        "kettlebell",
        "cable",
        "machine",
        "bench",
        "rack",
        "pull-up bar",
        "dip bars",
        "resistance band",
        "medicine ball",
        "plyo box",
        "jump rope",
        "treadmill",
        "stationary bike",
        "rowing machine",
        "elliptical",
        "mat",
        "foam roller",
        "ez bar",
        "trap bar",
        "smith machine",
        "sled",
        "battle ropes",
        "rings",
        "ab wheel",
        "stability ball",
        "balance board",
        "bosu ball",
        "weight plate",
        "landmine",
        "sandbag",
        "ball",
        "racket",
        "none",
    }
)

# Exercises lifters log most often. Each entry must match an exercise name or
# alias (case-insensitive).
REQUIRED_STAPLES = (
    # chest / pressing
    "Barbell Bench Press",
    "Dumbbell Bench Press",
    "Incline Bench Press",
    "Incline Dumbbell Press",
    "Decline Bench Press",
    "Overhead Press",
    "Push-Up",
    "Dip",
    # squat family
    "Back Squat",
    "Front Squat",
    "Goblet Squat",
    "Bulgarian Split Squat",
    "Leg Press",
    "Hack Squat",
    # deadlift family
    "Deadlift",
    "Conventional Deadlift",
    "Sumo Deadlift",
    "Romanian Deadlift",
    "Trap Bar Deadlift",
    # rows and pulls
    "Barbell Row",
    "Dumbbell Row",
    "Seated Cable Row",
    "T-Bar Row",
    "Pull-Up",
    "Chin-Up",
    "Lat Pulldown",
    # arms
    "Barbell Curl",
    "Dumbbell Curl",
    "Hammer Curl",
    "Preacher Curl",
    "Cable Curl",
    "Triceps Pushdown",
    "Skull Crusher",
    "Overhead Triceps Extension",
    "Close-Grip Bench Press",
    # shoulders / upper back
    "Lateral Raise",
    "Face Pull",
    "Rear Delt Fly",
    "Barbell Shrug",
    # glutes / legs
    "Hip Thrust",
    "Glute Bridge",
    "Lying Leg Curl",
    "Seated Leg Curl",
    "Leg Extension",
    "Standing Calf Raise",
    "Seated Calf Raise",
    "Lunge",
    "Walking Lunge",
    "Step-Up",
    # core
    "Plank",
    "Side Plank",
    "Crunch",
    "Hanging Leg Raise",
    "Ab Wheel Rollout",
    "Russian Twist",
    # conditioning
    "Running",
    "Cycling",
    "Rowing",
    "Jump Rope",
    "Burpee",
    "Box Jump",
    "Kettlebell Swing",
    "Turkish Get-Up",
    "Farmer's Walk",
    "Sled Push",
    # olympic lifts
    "Snatch",
    "Clean and Jerk",
    "Power Clean",
    "Hang Clean",
    "Push Press",
    "Push Jerk",
    "Clean Pull",
    "Snatch Pull",
    "Overhead Squat",
    # stretches
    "Hamstring Stretch",
    "Hip Flexor Stretch",
    "Pigeon Pose",
    "Downward Dog",
    "Cat-Cow",
    "Child's Pose",
)

_SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")


@pytest.fixture(scope="module")
def raw_text():
    return DATA_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def exercises(raw_text):
    data = json.loads(raw_text)
    assert isinstance(data, list), "exercises.json must contain a JSON array"
    return data


def _label(item, index):
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        return f"#{index} {item['name']!r}"
    return f"#{index}"


def _is_str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def test_file_exists():
    assert DATA_PATH.is_file(), f"missing {DATA_PATH}"


def test_pretty_printed_with_two_space_indent(raw_text):
    lines = raw_text.splitlines()
    assert lines[0] == "[", "top level should be an array opened on its own line"
    assert lines[1] == "  {", "items should be indented by two spaces"
    for number, line in enumerate(lines, start=1):
        leading = line[: len(line) - len(line.lstrip())]
        assert set(leading) <= {" "}, f"line {number} indents with something other than spaces"
        assert len(leading) % 2 == 0, f"line {number} is not indented by a multiple of 2"


def test_minimum_number_of_exercises(exercises):
    assert len(exercises) >= MIN_EXERCISES, f"only {len(exercises)} exercises"


def test_every_item_has_exact_keys(exercises):
    for i, item in enumerate(exercises):
        assert isinstance(item, dict), f"{_label(item, i)} is not an object"
        assert set(item) == REQUIRED_KEYS, (
            f"{_label(item, i)}: missing {sorted(REQUIRED_KEYS - set(item))}, "
            f"unexpected {sorted(set(item) - REQUIRED_KEYS)}"
        )


def test_field_types(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        for key in ("name", "description", "category", "difficulty_level"):
            assert isinstance(item[key], str), f"{label}: {key} must be a string"
        for key in (
            "aliases",
            "primary_muscles",
            "secondary_muscles",
            "equipment_needed",
            "instructions",
        ):
            assert _is_str_list(item[key]), f"{label}: {key} must be a list of strings"


def test_names_are_valid(exercises):
    for i, item in enumerate(exercises):
        name = item["name"]
        label = _label(item, i)
        assert name.strip() == name and name, f"{label}: blank or padded name"
        assert len(name) <= MAX_NAME_LENGTH, f"{label}: name too long"


def test_names_are_unique_case_insensitive(exercises):
    counts = Counter(item["name"].casefold() for item in exercises)
    duplicates = sorted(name for name, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate names: {duplicates}"


def test_aliases_are_valid(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        for alias in item["aliases"]:
            assert alias and alias.strip() == alias, f"{label}: blank or padded alias"
            assert len(alias) <= MAX_NAME_LENGTH, f"{label}: alias too long"


def test_aliases_unique_and_not_colliding_with_names(exercises):
    names = {item["name"].casefold(): item["name"] for item in exercises}
    seen = {}
    problems = []
    for item in exercises:
        for alias in item["aliases"]:
            key = alias.casefold()
            if key in names:
                problems.append(f"alias {alias!r} of {item['name']!r} equals name {names[key]!r}")
            if key in seen:
                problems.append(
                    f"alias {alias!r} used by both {seen[key]!r} and {item['name']!r}"
                )
            seen[key] = item["name"]
    assert not problems, "\n".join(problems)


def test_description(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        description = item["description"].strip()
        assert description, f"{label}: empty description"
        assert description[-1] in ".!?", f"{label}: description should end a sentence"
        sentences = len(_SENTENCE_END.findall(description))
        assert 1 <= sentences <= MAX_DESCRIPTION_SENTENCES, (
            f"{label}: description has {sentences} sentences"
        )


def test_instructions(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        steps = item["instructions"]
        assert MIN_INSTRUCTIONS <= len(steps) <= MAX_INSTRUCTIONS, (
            f"{label}: {len(steps)} instructions"
        )
        for step in steps:
            assert step.strip() == step and step, f"{label}: blank or padded step"
            assert step[0].isupper(), f"{label}: step should start with a capital: {step!r}"
            assert step[-1] in ".!?", f"{label}: step should be a full sentence: {step!r}"


def test_category_values(exercises):
    for i, item in enumerate(exercises):
        assert item["category"] in CATEGORIES, f"{_label(item, i)}: bad category"


def test_difficulty_values(exercises):
    for i, item in enumerate(exercises):
        assert item["difficulty_level"] in DIFFICULTY_LEVELS, (
            f"{_label(item, i)}: bad difficulty_level"
        )


def test_muscle_values(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        primary = item["primary_muscles"]
        secondary = item["secondary_muscles"]
        assert primary, f"{label}: primary_muscles must not be empty"
        assert set(primary) <= set(MUSCLE_GROUPS), f"{label}: bad primary muscle {primary}"
        assert set(secondary) <= set(MUSCLE_GROUPS), f"{label}: bad secondary muscle {secondary}"
        assert len(set(primary)) == len(primary), f"{label}: repeated primary muscle"
        assert len(set(secondary)) == len(secondary), f"{label}: repeated secondary muscle"
        overlap = set(primary) & set(secondary)
        assert not overlap, f"{label}: {sorted(overlap)} both primary and secondary"


def test_equipment_vocabulary(exercises):
    for i, item in enumerate(exercises):
        label = _label(item, i)
        equipment = item["equipment_needed"]
        unknown = sorted(set(equipment) - EQUIPMENT)
        assert not unknown, f"{label}: unknown equipment {unknown}"
        assert len(set(equipment)) == len(equipment), f"{label}: repeated equipment"
        if "none" in equipment:
            assert equipment == ["none"], f"{label}: 'none' mixed with other equipment"


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_minimum(exercises, category):
    count = sum(1 for item in exercises if item["category"] == category)
    assert count >= MIN_PER_CATEGORY, f"{category}: only {count} exercises"


@pytest.mark.parametrize("muscle", MUSCLE_GROUPS)
def test_primary_muscle_minimum(exercises, muscle):
    count = sum(1 for item in exercises if muscle in item["primary_muscles"])
    assert count >= MIN_PER_PRIMARY_MUSCLE, f"{muscle}: only {count} exercises"


@pytest.mark.parametrize("level", DIFFICULTY_LEVELS)
def test_difficulty_minimum(exercises, level):
    count = sum(1 for item in exercises if item["difficulty_level"] == level)
    assert count >= MIN_PER_DIFFICULTY, f"{level}: only {count} exercises"


def test_cardio_exercises_target_cardio(exercises):
    cardio = [item for item in exercises if item["category"] == "cardio"]
    hits = [item for item in cardio if "cardio" in item["primary_muscles"]]
    assert len(hits) >= MIN_PER_PRIMARY_MUSCLE


def test_required_staples_present(exercises):
    known = set()
    for item in exercises:
        known.add(item["name"].casefold())
        known.update(alias.casefold() for alias in item["aliases"])
    missing = [name for name in REQUIRED_STAPLES if name.casefold() not in known]
    assert not missing, f"missing staple exercises: {missing}"
