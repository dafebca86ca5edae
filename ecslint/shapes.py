"""The kinds of document ecslint lints, and how each is recognised.

Each recogniser takes a parsed document and returns the subjects found in it (task
definitions, or other kinds of subject with checks of their own), or None when the
document is not of its kind. The first recogniser that answers wins.
"""

from __future__ import annotations

from ecslint.model import task_definitions

RECOGNISERS = [task_definitions]

# A YAML (or other non-JSON) file found by walking is parsed only if its text holds one of
# these: YAML parsing is slow, and most YAML in a repository is CI config or Kubernetes.
WALK_MARKERS: list[str] = []


def recognise(document) -> list | None:
    for recogniser in RECOGNISERS:
        subjects = recogniser(document)
        if subjects is not None:
            return subjects
    return None
