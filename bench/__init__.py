"""Dossier's benchmark suite: `python -m bench run` (see bench/README.md). Not run in CI."""
