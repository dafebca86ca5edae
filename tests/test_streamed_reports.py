"""Reports written in pieces are byte for byte the reports json.dumps and a join of all lines would give."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ecslint.report.formatters.common import json_pieces, lines_in_pieces, safe_json

# Text as input gives it, with what JSON escapes and what safe_json escapes, and the list's own key written out.
_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc", "Cf")) | st.sampled_from('"\\\n\u202e\x9b'), max_size=12) | st.just('"items": []')
# Keys other than the list's: json_pieces splices the first list of that name.
_KEYS = _TEXT.filter(lambda key: key != "items")
_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(before=st.dictionaries(_KEYS, _VALUES, max_size=3), items=st.lists(_VALUES, max_size=7), after=_VALUES, size=st.integers(1, 4), depth=st.integers(0, 2))
def test_json_in_pieces_is_json_dumps(before, items, after, size, depth):
    document: dict = {"summary": before, "items": [], "after": after}
    for _ in range(depth):  # the list nested as in SARIF (runs[0].results)
        document = {"head": before, "runs": [document]}
    whole = json.loads(json.dumps(document))
    _items_of(whole, depth)[:] = items
    expected = safe_json(json.dumps(whole, indent=2, ensure_ascii=False)) + "\n"
    pieces = list(json_pieces(document, "items", iter(items), size=size))
    assert "".join(pieces) == expected
    assert len(pieces) == -(-len(items) // size) + 1


def _items_of(document: dict, depth: int) -> list:
    for _ in range(depth):
        document = document["runs"][0]
    return document["items"]


@given(lines=st.lists(st.text(alphabet="ab \t", max_size=5), max_size=9), size=st.integers(1, 4))
def test_lines_in_pieces_are_the_joined_lines(lines, size):
    assert "".join(lines_in_pieces(lines, size)) == "\n".join(lines) + ("\n" if lines else "")
