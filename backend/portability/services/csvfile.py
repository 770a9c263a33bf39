"""Reading an uploaded CSV file as a stream, and checking its cells.

The upload is read chunk by chunk (Django has it in memory or in a temporary file), decoded as
UTF-8 with or without a byte-order mark, and parsed by the csv module, so quoted fields holding
commas, quotes and line breaks are one field. Every record comes with the line it starts on,
counted as a spreadsheet does (the header is line 1), which is what error messages name.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from django.conf import settings

from backend.core.errors import ApiError, InvalidInput

MAX_ROWS = 200_000  # data rows per file
MAX_ERROR_LINES = 100  # lines reported in one 400; the detail says how many there were in all
FILE_FIELD = "file"


class TooLarge(ApiError):
    status_code = 413


def max_bytes() -> int:
    return settings.MAX_UPLOAD_BYTES


def too_large() -> TooLarge:
    limit = max_bytes()
    return TooLarge(f"The file is larger than the limit of {limit} bytes ({limit / 1024 / 1024:g} MiB).")


def check_size(upload) -> None:
    if upload.size is not None and upload.size > max_bytes():
        raise too_large()


class _ChunkStream(io.RawIOBase):
    """An upload's chunks as a byte stream; stops at the size limit whatever the upload claims."""

    def __init__(self, upload):
        self._chunks = upload.chunks()
        self._pending = memoryview(b"")
        self.bytes_read = 0
        self._limit = max_bytes()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self.bytes_read += count
        if self.bytes_read > self._limit:
            raise too_large()
        return count


class CsvReader:
    """Iterates (line, fields) over the data records of an uploaded CSV file.

    `header` is the first record with names normalised (see `column_key`). Blank lines are
    skipped. More than MAX_ROWS records is a 400 naming the limit; a record the csv module cannot
    parse (an unterminated quote, a NUL byte) ends the reading with `error` set to (line, message).
    """

    def __init__(self, upload):
        check_size(upload)
        self.size = upload.size
        self._raw = _ChunkStream(upload)
        self._text = io.TextIOWrapper(io.BufferedReader(self._raw, 64 * 1024), encoding="utf-8-sig", newline="")
        self.error: tuple[int, str] | None = None
        first = self._decoded(lambda: self._text.readline())
        if not first.strip():
            raise InvalidInput.for_field(FILE_FIELD, "The file is empty; expected a CSV export with a header row.")
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self._reader = csv.reader(itertools.chain([first], self._text), delimiter=self.delimiter, strict=True)
        try:
            raw_header = next(self._reader)
        except csv.Error as exc:
            raise InvalidInput.from_errors({"line 1": [f"The header row cannot be read: {exc}."]}) from None
        self.raw_header = [name.strip() for name in raw_header]
        self.header = [column_key(name) for name in raw_header]
        self.rows = 0

    @property
    def bytes_read(self) -> int:
        return self._raw.bytes_read

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self._reader.line_num + 1
            try:
                fields = self._decoded(lambda: next(self._reader, None))
            except csv.Error as exc:
                self.error = (start, f"This record cannot be read as CSV: {exc}.")
                return
            if fields is None:
                return
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            self.rows += 1
            if self.rows > MAX_ROWS:
                raise InvalidInput.for_field(
                    FILE_FIELD,
                    f"The file has more than {MAX_ROWS:,} rows, the limit for one import; "
                    "split it into smaller files (importing them one after the other is safe).",
                )
            yield start, fields

    @staticmethod
    def _decoded(read):
        try:
            return read()
        except UnicodeDecodeError:
            raise InvalidInput.for_field(
                FILE_FIELD, "The file is not UTF-8 text; upload the CSV file exactly as the app exported it."
            ) from None


def column_key(name: str) -> str:
    """`" Weight (lbs) "` -> `"weight (lbs)"`: column names compared without case or extra spaces."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


class LineErrors:
    """Problems found while reading, by line: `{"line 7": ["Weight: ..."]}` for InvalidInput."""

    def __init__(self):
        self.by_line: dict[int, list[str]] = {}
        self.count = 0

    def add(self, line: int, messages: list[str]) -> None:
        if line not in self.by_line:
            self.count += 1
            if len(self.by_line) >= MAX_ERROR_LINES:
                return
            self.by_line[line] = []
        self.by_line[line].extend(messages)

    def __bool__(self) -> bool:
        return self.count > 0

    def exception(self) -> InvalidInput:
        errors = {f"line {line}": messages for line, messages in sorted(self.by_line.items())}
        first_line, messages = next(iter(errors.items()))
        more = f"; the first is {first_line}: {messages[0]}" if self.count > 1 else f": {first_line}: {messages[0]}"
        shown = "" if self.count <= len(errors) else f" (the first {len(errors)} are listed)"
        lines = "1 line" if self.count == 1 else f"{self.count} lines"
        return InvalidInput(f"Nothing was imported: {lines} of the file have errors{shown}{more}", errors)


# --- cells ------------------------------------------------------------------------------------------

LBS_TO_KG = 0.45359237
METRES_PER = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "mile": 1609.344, "miles": 1609.344, "ft": 0.3048, "yd": 0.9144}
WEIGHT_UNITS = {"kg": 1.0, "kgs": 1.0, "lb": LBS_TO_KG, "lbs": LBS_TO_KG}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$")  # 62,5 (not 1,000: a thousands separator is ambiguous)


class Row:
    """One record's cells by column key, with typed getters that collect errors instead of raising.

    Messages name the column as the file spells it, e.g. `Weight: 'abc' is not a number.`
    """

    def __init__(self, keys: dict[str, int], names: dict[str, str], fields: list[str]):
        self.keys = keys
        self.names = names
        self.fields = fields
        self.errors: list[str] = []

    def has(self, column: str) -> bool:
        return column in self.keys

    def text(self, column: str) -> str:
        index = self.keys.get(column)
        if index is None or index >= len(self.fields):
            return ""
        return self.fields[index].strip()

    def error(self, column: str, message: str) -> None:
        self.errors.append(f"{self.names.get(column, column)}: {message}")

    def required(self, column: str, max_length: int) -> str:
        value = self.text(column)
        if not value:
            self.error(column, "is empty.")
        elif len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters.")
        return value

    def optional_text(self, column: str, max_length: int) -> str | None:
        value = self.text(column)
        if len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters ({len(value)}).")
        return value or None

    def number(self, column: str, *, integer: bool = False, maximum: float | None = None) -> float | int | None:
        raw = self.text(column)
        if not raw:
            return None
        cleaned = raw.replace(",", ".") if _DECIMAL_COMMA.match(raw) else raw
        try:
            value = float(cleaned)
        except ValueError:
            self.error(column, f"{raw!r} is not a number.")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.error(column, f"{raw!r} is not a number.")
            return None
        if value < 0:
            self.error(column, f"{raw!r} is negative.")
            return None
        if integer:
            if value != int(value):
                self.error(column, f"{raw!r} is not a whole number.")
                return None
            value = int(value)
        if maximum is not None and value > maximum:
            self.error(column, f"{raw!r} is more than {maximum:g}.")
            return None
        return value

    def converted(self, column: str | None, value: float | None, factor: float | None, maximum: float, unit: str) -> float | None:
        """`value` in the file's unit times `factor` (to kg or metres), checked against `maximum`."""
        if value is None or factor is None or column is None:
            return value
        result = round(value * factor, 3)
        if result > maximum:
            self.error(column, f"{self.text(column)!r} is more than the limit of {maximum:,.0f} {unit}.")
            return None
        return result

    def moment(self, column: str, formats: tuple[str, ...]) -> datetime | None:
        raw = self.text(column)
        if not raw:
            self.error(column, "is empty.")
            return None
        value = parse_datetime(raw, formats)
        if value is None:
            self.error(column, f"{raw!r} is not a date and time this importer understands.")
        return value


def parse_datetime(raw: str, formats: tuple[str, ...]) -> datetime | None:
    """The first format that fits, then ISO 8601; naive UTC with millisecond precision (a time
    without a zone is taken as UTC)."""
    text = " ".join(raw.replace("\u202f", " ").replace("\xa0", " ").split())
    value = None
    for fmt in formats:
        try:
            value = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if value is None:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    if not 1970 <= value.year <= 2100:
        return None
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def bind_columns(reader: CsvReader) -> tuple[dict[str, int], dict[str, str]]:
    """Column key -> index (the first column wins if a name repeats) and key -> name as written."""
    keys: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, key in enumerate(reader.header):
        if key and key not in keys:
            keys[key] = index
            names[key] = reader.raw_header[index]
    return keys, names
