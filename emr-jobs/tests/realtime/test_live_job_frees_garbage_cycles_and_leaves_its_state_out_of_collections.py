"""After each batch the streaming job frees the batch's garbage cycles and freezes what survives, so Python's
collector no longer walks the held state (stream.settle_garbage); with each compaction it collects everything."""
import gc
import weakref

from realtime_jobs.stream import settle_garbage


class Node:
    pass


def cycle():
    node = Node()
    node.me = node
    return node


def test_a_batchs_garbage_cycle_is_freed_and_what_survives_is_frozen_until_the_full_collection():
    try:
        garbage = cycle()
        gone = weakref.ref(garbage)
        del garbage
        held = {"activity": {str(u): {"interactions": [[u, "view"]]} for u in range(1000)}}
        settle_garbage(full=False)
        assert gone() is None
        assert gc.get_freeze_count() >= 1000

        # A cycle alive at one batch's end and garbage after it is frozen: no ordinary collection frees it ...
        later = cycle()
        freed_later = weakref.ref(later)
        settle_garbage(full=False)
        del later
        gc.collect()
        assert freed_later() is not None
        # ... the full one (with a compaction) does, and the held state stays.
        settle_garbage(full=True)
        assert freed_later() is None
        assert len(held["activity"]) == 1000
    finally:
        gc.unfreeze()
