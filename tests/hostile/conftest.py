"""Fixtures for the hostile-file tests: one set of real services per module, a measured `add`."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import builders as build
from tests.hostile import harness

TIME_LIMIT = 20.0           # the extraction time limit these tests run with (default 60 s)
MEMORY_MB = 1024            # the worker memory limit (the default)
MEMORY_LIMIT = MEMORY_MB * harness.MB
QUIET_MB = 300              # what an ordinary or well-refused hostile file may cost a worker
RECYCLE_ABOVE = 250 * harness.MB


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Iterator[object]:
    scratch = tmp_path_factory.mktemp("hostile-built")
    with harness.fresh_services(scratch, time_limit=TIME_LIMIT, memory_mb=MEMORY_MB) as services:
        services.scratch = scratch
        yield services


@pytest.fixture
def add(services, tmp_path: Path):
    """add(name, data) -> Outcome, measured on a warm worker that no earlier case has bloated."""
    def run(name: str, data: bytes) -> harness.Outcome:
        harness.recycle_if_bloated(services, RECYCLE_ABOVE)
        harness.warm_up(services, services.scratch)
        return harness.add_file(services, build.write(tmp_path / name, data), name)
    return run


def assert_stored(outcome: harness.Outcome, *statuses: str, memory_mb: int = QUIET_MB) -> None:
    assert outcome.stored, f"{outcome.file} was rejected: {outcome.code}: {outcome.message}"
    assert outcome.status in statuses, (outcome.file, outcome.status, outcome.message)
    if outcome.status == "failed":
        assert outcome.message, "a failed extraction says why"
    assert_cost(outcome, memory_mb)


def assert_rejected(outcome: harness.Outcome, code: str) -> None:
    assert not outcome.stored, f"{outcome.file} was stored as {outcome.status}"
    assert outcome.code == code, (outcome.file, outcome.code, outcome.message)
    assert outcome.message
    assert_cost(outcome, QUIET_MB)


def assert_cost(outcome: harness.Outcome, memory_mb: int) -> None:
    assert outcome.secs < TIME_LIMIT, f"{outcome.file} took {outcome.secs:.1f} s"
    if outcome.peak_rss is not None:
        assert outcome.peak_rss < min(memory_mb * harness.MB, MEMORY_LIMIT), (
            f"{outcome.file}: extraction worker peaked at {outcome.peak_rss / harness.MB:.0f} MB")


def text_of(services, outcome: harness.Outcome, name: str) -> str:
    """The text stored (and indexed) for the one document uploaded as `name`."""
    ids = [d.id for d in services.repo.iter_documents() if d.filename == name]
    assert len(ids) == 1, ids
    return "\n".join(services.repo.pages(ids[0]))


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP port that nothing should ever connect to: the 'server' hostile files point at."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def assert_never_contacted(server: socket.socket) -> None:
    try:
        connection, address = server.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail(f"extraction opened a connection to {server.getsockname()} from {address}")
