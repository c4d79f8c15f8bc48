"""Pausing Python's cycle collector while a payout computes.

A run of 2,000 statements allocates a few hundred thousand small objects that all stay
alive until the result is dropped (lines, exact fractions, the functions that write their
rules), and none of them refer to each other in a cycle: reference counting frees them
all. The cycle collector cannot know that, so it walks them again and again as they
accumulate (about 330 young and 2 full collections in a 1M-deal run): measured, the
statements took 20-40% longer with it on. It is paused for the run and turned back on
after, exactly as it was; runs on several threads at once share one pause.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_runs = 0
_was_enabled = False


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Run the block with the cycle collector off; the last block to leave turns it back on
    if it was on when the first one came in (a caller that turned it off keeps it off)."""
    global _runs, _was_enabled
    with _lock:
        if _runs == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _was_enabled:
                gc.enable()
