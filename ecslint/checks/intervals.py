"""Which earlier range first overlapped a new one, in logarithmic time per range (ECS302's host ports)."""

from __future__ import annotations

import bisect

_NONE = float("inf")


class FirstClaims:
    """Ranges claimed one after another; `claim` answers which earlier claim first overlapped the new one.

    Two ranges that overlap share an end of one of them, so only the distinct ends are tracked: each
    is marked once, with the first claim covering it (a skip list of unmarked ends makes marking
    linear overall), and a minimum tree over the marks answers each query. 20,000 port mappings
    then cost 20,000 short walks rather than 200 million comparisons.
    """

    def __init__(self, ranges: list[tuple[int, int]]):
        self._points = sorted({end for low, high in ranges for end in (low, high)})
        self._size = 1 << max(len(self._points) - 1, 0).bit_length()
        self._tree = [_NONE] * (2 * self._size)
        self._next_unmarked = list(range(len(self._points) + 1))

    def claim(self, low: int, high: int, claimant: int) -> int | None:
        """The earliest claimant (an increasing number) whose range overlaps [low, high], then record this one."""
        first = bisect.bisect_left(self._points, low)
        last = bisect.bisect_right(self._points, high) - 1
        if first > last:
            return None
        earliest = self._minimum(first, last)
        index = self._unmarked_from(first)
        while index <= last:
            self._mark(index, claimant)
            self._next_unmarked[index] = index + 1
            index = self._unmarked_from(index + 1)
        return None if earliest == _NONE else int(earliest)

    def _unmarked_from(self, index: int) -> int:
        root = index
        while self._next_unmarked[root] != root:
            root = self._next_unmarked[root]
        while self._next_unmarked[index] != root:  # path compression
            self._next_unmarked[index], index = root, self._next_unmarked[index]
        return root

    def _mark(self, index: int, claimant: int) -> None:
        # Claimants only grow, so a node already at or below this one needs no update, nor do its parents.
        node = index + self._size
        while node and self._tree[node] > claimant:
            self._tree[node] = claimant
            node >>= 1

    def _minimum(self, first: int, last: int) -> float:
        best, left, right = _NONE, first + self._size, last + self._size + 1
        while left < right:
            if left & 1:
                best = min(best, self._tree[left])
                left += 1
            if right & 1:
                right -= 1
                best = min(best, self._tree[right])
            left >>= 1
            right >>= 1
        return best
