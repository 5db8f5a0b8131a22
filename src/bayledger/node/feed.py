"""The live feed: committed blocks and their events, fanned out to bounded subscriber queues."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from bayledger.core.state_transition import TxResult


class FeedSubscription:
    """One subscriber's queue. A slow reader loses its oldest items; the node never waits for it."""

    def __init__(self, feed: EventFeed, capacity: int) -> None:
        self._feed = feed
        self._items: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._ready = threading.Condition()
        self.closed = False

    def put(self, item: dict[str, Any]) -> None:
        """Queue an item (called by the feed)."""
        with self._ready:
            self._items.append(item)
            self._ready.notify()

    def get(self, timeout: float) -> dict[str, Any] | None:
        """The next item, or None after ``timeout`` seconds or once closed."""
        with self._ready:
            if not self._items and not self.closed:
                self._ready.wait(timeout)
            return self._items.popleft() if self._items else None

    def close(self) -> None:
        """Stop receiving items."""
        self._feed.unsubscribe(self)
        with self._ready:
            self.closed = True
            self._ready.notify_all()


class EventFeed:
    """Publishes each committed block and each of its events to every subscriber."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._subscribers: list[FeedSubscription] = []
        self._lock = threading.Lock()

    def subscribe(self) -> FeedSubscription:
        """A new subscription starting at the next committed block."""
        sub = FeedSubscription(self, self.capacity)
        with self._lock:
            self._subscribers.append(sub)
        return sub

    def unsubscribe(self, sub: FeedSubscription) -> None:
        """Forget a subscription."""
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    def publish_block(
        self,
        block: dict[str, Any],
        results: list[TxResult],
        end_block_events: list[dict[str, Any]] | None = None,
    ) -> None:
        """Send the block, then each event of its successful transactions, then its end-block events
        (``tx_hash`` None: emitted by a module at end of block, e.g. governance closing a proposal)."""
        items: list[dict[str, Any]] = [{"kind": "block", "block": block}]
        height = block["header"]["height"]
        for result in results:
            items.extend(
                {"kind": "event", "height": height, "tx_hash": result.hash, "event": event}
                for event in result.events
            )
        items.extend(
            {"kind": "event", "height": height, "tx_hash": None, "event": event}
            for event in end_block_events or []
        )
        with self._lock:
            subscribers = list(self._subscribers)
        for sub in subscribers:
            for item in items:
                sub.put(item)

    def close(self) -> None:
        """End every subscription (node shutdown)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for sub in subscribers:
            sub.close()
