"""`make bench`: the performance benchmark (see docs/performance.md)."""
