"""Logging helpers shared by every app."""

import logging
import re

# API tokens travel as `Token <key>` headers and `?token=<key>` websocket query strings.
_TOKEN_PATTERNS = [
    re.compile(r"(token=)[^&\s'\"]+", re.IGNORECASE),
    re.compile(r"(Token\s+)[0-9a-zA-Z_\-]{8,}"),
]


def redact(text: str) -> str:
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactTokensFilter(logging.Filter):
    """Keeps API tokens out of every log line, whoever logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
