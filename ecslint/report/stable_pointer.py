"""Pointers that name list items by their `name` (or `key`) instead of their index, so baselines survive insertions."""

from __future__ import annotations

from ecslint.documents import pointer as jp

# The fields that identify an item of a list in ECS documents: containers, variables, secrets,
# volumes by name; tags by key. CloudFormation spells them with a capital letter.
_IDENTIFYING_KEYS = ("name", "Name", "key", "Key")


def stable_pointer(data, pointer: str) -> str:
    """`/containerDefinitions/0/environment/3/value` -> `/containerDefinitions/[name=web]/environment/[name=DB_URL]/value`."""
    tokens, value = [], data
    for token in jp.split(pointer):
        shown = token
        if isinstance(value, list) and token.isdigit() and int(token) < len(value):
            item = value[int(token)]
            key = next((key for key in _IDENTIFYING_KEYS if isinstance(item, dict) and isinstance(item.get(key), str)), None)
            if key is not None:
                shown = f"[{key.lower()}={item[key]}]"
            value = item
        elif isinstance(value, dict):
            value = value.get(token)
        else:
            value = None
        tokens.append(shown)
    return jp.join("", *tokens) if tokens else pointer
