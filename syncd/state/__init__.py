"""Ownership state on disk (I/O edge): which server objects syncd manages, per instance."""
