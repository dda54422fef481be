"""Summaries of a window of time: a read model over the outcomes (figures, queries, windows, renderers)."""
