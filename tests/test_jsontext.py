"""The location layer: pointers map to exact 1-based lines and columns in the original text."""

from __future__ import annotations

import pytest

from ecslint.report.findings import Region
from ecslint.documents.jsontext import JsonLocator, ParseError, loads


def test_scalar_member_spans_key_to_value():
    text = '{\n  "family": "web",\n  "cpu": "256"\n}'
    assert JsonLocator(text).region("/cpu") == Region(3, 3, 3, 15)


def test_container_member_spans_only_its_key():
    text = '{"a": {"b": 1}}'
    assert JsonLocator(text).region("/a") == Region(1, 2, 1, 5)


def test_array_items_and_nested_pointers():
    text = '[{"name": "a"}, {"name": "b", "portMappings": [{"containerPort": 80}]}]'
    locator = JsonLocator(text)
    assert locator.region("/1") == Region(1, 17, 1, 18)
    assert locator.region("/1/portMappings/0/containerPort").start_column == text.index('"containerPort"') + 1


def test_escapes_in_keys_and_values_do_not_shift_columns():
    text = '{"a\\"b": "x\\u00e9\\n", "c/d~e": 1, "next": 2}'
    locator = JsonLocator(text)
    assert locator.region("/a\"b") == Region(1, 2, 1, 21)
    assert locator.region("/c~1d~0e").start_column == text.index('"c/d~e"') + 1
    assert locator.region("/next").start_column == text.index('"next"') + 1


def test_unicode_columns_count_code_points():
    text = '{"label": "héllo 🚀", "image": "x"}'
    assert JsonLocator(text).region("/image").start_column == text.index('"image"') + 1


def test_crlf_line_endings():
    text = '{\r\n  "family": "web",\r\n  "cpu": "256"\r\n}\r\n'
    assert JsonLocator(text).region("/cpu") == Region(3, 3, 3, 15)


def test_minified_one_line():
    text = '{"family":"web","containerDefinitions":[{"name":"web","image":"nginx"}]}'
    region = JsonLocator(text).region("/containerDefinitions/0/image")
    assert (region.start_line, region.start_column) == (1, text.index('"image"') + 1)
    assert region.end_column == len(text) - 2


def test_missing_pointer_falls_back_to_nearest_ancestor():
    text = '{"containerDefinitions": [{"name": "web"}]}'
    locator = JsonLocator(text)
    assert locator.region("/containerDefinitions/0/image") == locator.region("/containerDefinitions/0")
    assert locator.region("/nowhere") == Region(1, 1, 1, 2)


def test_duplicate_keys_are_found_with_the_earlier_position():
    text = '{\n  "family": "a",\n  "family": "b"\n}'
    data, duplicated = loads(text)
    assert data == {"family": "b"} and duplicated
    locator = JsonLocator(text)
    assert locator.duplicate_regions() == [("/family", Region(2, 3, 2, 11))]
    assert locator.region("/family").start_line == 3


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3),
        ('{"a": ${X}}', 1, 7),
        ("[1, 2,]", 1, 7),
        ('{"a": NaN}', 1, 1),
    ],
)
def test_parse_errors_carry_line_and_column(text, line, column):
    with pytest.raises(ParseError) as error:
        loads(text)
    assert (error.value.line, error.value.column) == (line, column)


def test_deep_nesting_is_a_parse_error_not_a_crash():
    with pytest.raises(ParseError, match="nested too deeply"):
        loads("[" * 10_000 + "]" * 10_000)


def test_locator_is_iterative_on_deep_valid_text():
    depth = 5_000
    text = '{"a":' * depth + "1" + "}" * depth
    pointer = "/a" * depth
    assert JsonLocator(text).region(pointer).start_line == 1
