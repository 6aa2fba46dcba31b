"""The long-lived heap out of the cyclic garbage collector's way (issue 16).

A full (generation 2) collection of CPython's cyclic garbage collector walks every object it
tracks while holding the GIL: in a worker that is the code of every imported module, Flask,
SQLAlchemy and the app itself, about 110,000 objects, 70–90 ms on the 2-core bench machine.
A refresh of 100,000 feed entries allocates enough to start a few of them, so checks on
other threads stalled that long (``bench/bench_feeds.py``; gc.callbacks showed the stalls
were those collections). The compiled rules and feed index hold nothing the collector
tracks (``server/core/matching.py``, ``server/assistant/feedindex.py``); what is left is the
start-up heap, which :func:`freeze_startup_heap` moves to the permanent generation, never
walked again.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_startup_heap"]


def freeze_startup_heap() -> int:
    """Collect once, then ``gc.freeze()``: every object alive now is left out of all later
    collections. The number of frozen objects is returned.

    Call it once per process, after start-up (the gunicorn worker does, in
    ``post_worker_init``), when what is alive lives as long as the process: modules, the
    app, its extensions. Reference counting still frees a frozen object as soon as nothing
    refers to it; what the collector no longer does for frozen objects is find *cycles* of
    garbage among them. The leak risk is therefore a frozen object that later becomes part of
    unreachable cycle garbage: it is never freed (``gc.unfreeze()`` would hand it back). That
    is why this runs once and collects first (so that garbage of the start-up is not pinned),
    and why it is not called after each rebuild of the lists: whatever cyclic garbage exists
    at that moment (a request's traceback, say) would be pinned each time, a slow leak.
    Objects created afterwards (rebuilt indexes, requests) are collected as usual.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
