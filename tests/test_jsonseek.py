"""The seeking locator for large JSON inputs finds the same regions as the full index."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from ecslint.documents import pointer as jp
from ecslint.documents.jsonseek import SeekingJsonLocator
from ecslint.documents.jsontext import JsonLocator

TEXT = """{
  "RoleDetailList": [
    {"RoleName": "a", "Arn": "arn:aws:iam::1:role/a", "RolePolicyList": []},
    {
      "RoleName": "b\\u00e9",
      "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}}],
      "n": 12.5e3, "t": true, "z": null, "s": "}]{[\\"x"
    }
  ],
  "a/b": {"m~n": [1, [2, 3], {"k": "v"}]},
  "Policies": []
}"""

POINTERS = [
    "",
    "/RoleDetailList",
    "/RoleDetailList/0",
    "/RoleDetailList/0/Arn",
    "/RoleDetailList/1/RoleName",
    "/RoleDetailList/1/RolePolicyList/0/PolicyDocument/Statement/0",
    "/RoleDetailList/1/RolePolicyList/0/PolicyDocument/Statement/0/Action",
    "/RoleDetailList/1/n",
    "/RoleDetailList/1/t",
    "/RoleDetailList/1/z",
    "/RoleDetailList/1/s",
    "/a~1b/m~0n/1/1",
    "/a~1b/m~0n/2/k",
    "/Policies",
    # Pointers past what exists resolve to the deepest member that does.
    "/RoleDetailList/7",
    "/RoleDetailList/1/missing/deeper",
    "/Policies/0",
]


@pytest.mark.parametrize("pointer", POINTERS)
def test_same_region_as_the_full_index(pointer):
    assert SeekingJsonLocator(TEXT).region(pointer) == JsonLocator(TEXT).region(pointer)


def test_lookups_in_any_order_share_what_was_read():
    locator = SeekingJsonLocator(TEXT)
    full = JsonLocator(TEXT)
    for pointer in reversed(POINTERS + POINTERS):
        assert locator.region(pointer) == full.region(pointer)


def test_duplicate_keys_point_at_the_last_copy_as_json_loads_reads_it():
    text = '{"a": 1, "b": {"c": 2}, "a": {"d": 3}}'
    seeking = SeekingJsonLocator(text, has_duplicate_keys=True)
    assert seeking.region("/a/d") == JsonLocator(text).region("/a/d")
    assert seeking.duplicate_regions() == JsonLocator(text).duplicate_regions()
    assert SeekingJsonLocator(text).duplicate_regions() == []


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20,
)


def _pointers(value, pointer=""):
    yield pointer
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _pointers(item, jp.join(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _pointers(item, jp.join(pointer, index))


@settings(max_examples=150, deadline=None)
@given(_VALUES, st.sampled_from([None, 2]))
def test_generated_documents(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    seeking, full = SeekingJsonLocator(text), JsonLocator(text)
    for pointer in _pointers(value):
        assert seeking.region(pointer) == full.region(pointer), pointer


def test_a_document_forgets_only_positions_it_can_rebuild():
    from ecslint.documents.parse import parse
    from ecslint.documents.jsontext import JsonLocator as Full

    document = parse("t.json", TEXT.encode())
    before = document.region("/RoleDetailList/1/n")
    assert isinstance(document._locator, Full)
    document.forget_positions()
    assert document._locator is None
    assert document.region("/RoleDetailList/1/n") == before
    seeking = SeekingJsonLocator(TEXT)
    document._locator = seeking
    document.forget_positions()
    assert document._locator is seeking
