"""Which earlier range first overlapped a new one, in logarithmic time per range (ECS302's host ports)."""

from __future__ import annotations

import bisect


class FirstClaims:
    """Ranges claimed one after another; `claim` answers which earlier claim first overlapped the new one.

    A segment tree over the distinct range ends: each node keeps the earliest claim covering all of
    it (`_whole`) and the earliest claim touching any of it (`_some`), so 20,000 port mappings cost
    20,000 short walks rather than 200 million comparisons.
    """

    def __init__(self, ranges: list[tuple[int, int]]):
        self._points = sorted({end for low, high in ranges for end in (low, high)})
        size = 1
        while size < max(len(self._points), 1):
            size *= 2
        self._size = size
        self._whole = [None] * (2 * size)
        self._some = [None] * (2 * size)

    def claim(self, low: int, high: int, claimant: int):
        """The earliest claimant whose range overlaps [low, high] (None if none), then record this one."""
        first, last = bisect.bisect_left(self._points, low), bisect.bisect_left(self._points, high)
        earlier = self._query(1, 0, self._size - 1, first, last)
        self._update(1, 0, self._size - 1, first, last, claimant)
        return earlier

    def _query(self, node: int, start: int, end: int, first: int, last: int):
        if last < start or end < first:
            return None
        if first <= start and end <= last:
            return self._some[node]
        middle = (start + end) // 2
        found = [self._whole[node], self._query(2 * node, start, middle, first, last), self._query(2 * node + 1, middle + 1, end, first, last)]
        return min((value for value in found if value is not None), default=None)

    def _update(self, node: int, start: int, end: int, first: int, last: int, claimant: int) -> None:
        if last < start or end < first:
            return
        if first <= start and end <= last:
            if self._whole[node] is None:
                self._whole[node] = claimant
        else:
            middle = (start + end) // 2
            self._update(2 * node, start, middle, first, last, claimant)
            self._update(2 * node + 1, middle + 1, end, first, last, claimant)
        if self._some[node] is None:
            self._some[node] = claimant
