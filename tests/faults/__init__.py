"""Fault tests: a real server stopped mid-shift, killed bench processes, cut connections, races."""
