"""`make bench`: the performance benchmark (see the Performance section of the README)."""
