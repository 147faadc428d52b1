"""Text a person typed (a form field, a command-line argument): what must never reach the database,
a log line or a terminal.

PostgreSQL cannot store NUL in a text column (the driver refuses it before the query is sent, with
an error that is not a database error); other control characters and bidirectional overrides make
what a terminal or a page shows differ from what is stored. Both are refused where the input is
validated, before any query.
"""
from __future__ import annotations

import unicodedata

# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what
# is displayed, so that a name or a reason can read differently from what is stored
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t")


def bad_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control character of ``value`` as ``U+XXXX`` (None: there is none). ``multiline``:
    line breaks and tabs are allowed (a reason, the body of a reply)."""
    for char in value:
        if multiline and char in LINE_BREAKS:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X}"
    return None



def control_character_in(data: dict) -> str | None:
    """Which value of ``data`` (a string, or a list of strings) holds a control character, as a message
    (None: none does); line breaks and tabs are allowed (a reason, a description)."""
    for key, value in data.items():
        for text in (value if isinstance(value, list | tuple) else (value,)):
            bad = bad_character(text, multiline=True) if isinstance(text, str) else None
            if bad is not None:
                return f"{key} contains a control character ({bad})"
    return None
