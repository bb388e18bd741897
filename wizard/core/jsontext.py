"""JSON from outside (service keys, profiles, trust lists, server answers), read defensively.

`json.loads` fails on hostile documents with exceptions its callers do not expect: deep nesting
(RecursionError), integers of more than 4,300 digits (a plain ValueError), and it accepts lone
surrogates ("\\ud800") that later fail wherever the text is written or printed. `loads` turns all
three into `json.JSONDecodeError` with a message in words, so every caller's existing
`except json.JSONDecodeError` covers them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wizard.core.i18n import translate

MAX_DEPTH = 64  # no document this program reads nests deeper than a handful of levels

# An escaped backslash, a surrogate pair, or half of one (high or low alone).
_ESCAPES = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _lone_surrogate(text: str) -> int | None:
    """Where a \\u escape stands for half a character (a lone surrogate), if anywhere."""
    if "\\u" not in text:
        return None
    for match in _ESCAPES.finditer(text):
        token = match.group()
        if token == "\\\\":
            continue
        if (token[3] in "89abAB" and match.group(1) is None) or token[3] in "cdefCDEF":
            return match.start()
    return None


def _depth(text: str) -> int:
    """How deep brackets nest outside strings (a linear scan; only run when it could matter)."""
    depth = deepest = 0
    in_string = False
    for match in re.finditer(r'\\.|["\[\]{}]', text):
        token = match.group()
        if token[0] == "\\":
            continue
        if token == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(data: str | bytes) -> Any:
    """`json.loads`, but every way a document can be unreadable is a `json.JSONDecodeError`."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes | bytearray) else data
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise json.JSONDecodeError(
            translate("json", "nested more than {limit} levels deep").format(limit=MAX_DEPTH),
            text[:100],
            0,
        )
    surrogate = _lone_surrogate(text)
    if surrogate is not None:
        raise json.JSONDecodeError(
            translate("json", "a \\u escape that is half of a character"),
            text[:100],
            surrogate,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError):  # a number of more than 4,300 digits
        raise json.JSONDecodeError(
            translate("json", "a number too long to read"), text[:100], 0
        ) from None
