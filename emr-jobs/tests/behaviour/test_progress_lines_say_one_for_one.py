"""Issue 27.11: a progress line the twin's console shows says "1 duplicate dropped", not "1 duplicates"."""
from behaviour_jobs.common import plural


def test_one_is_singular_and_every_other_count_plural():
    assert plural(1, "duplicate") == "1 duplicate"
    assert plural(0, "duplicate") == "0 duplicates"
    assert plural(2, "tracker session") == "2 tracker sessions"
