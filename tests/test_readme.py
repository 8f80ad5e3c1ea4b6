"""The README keeps up with the code: its two commands, its configuration table."""
from __future__ import annotations

import re
from pathlib import Path

from dossier.core.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    first_block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.split("#")[0].strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].lstrip("./") in ci
    for command in commands:
        assert (ROOT / command.split()[0]).is_file()


def test_configuration_table_matches_the_settings():
    rows = re.findall(r"^\| `(DOSSIER_[A-Z_]+)` \| ([^|]+) \|", README, re.M)
    documented = {env: default.strip().strip("`") for env, default in rows}
    expected = {s.env: ("see below" if s.default is None else str(s.default) or "unset") for s in SETTINGS}
    assert documented == expected
