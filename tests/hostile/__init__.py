"""Hostile input: corpus files and built attacks through the real intake (issue 4)."""
