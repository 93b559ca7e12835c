"""Fixtures for flow_runtime tests; helpers live in ``flow_runtime.testing.builders``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from flow_runtime.ports import Ports
from flow_runtime.testing import fake_ports

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ports() -> Ports:
    """Fake ports (in-process code runner, fixed clock)."""
    return fake_ports()


@pytest.fixture
def shared_examples() -> Path:
    """``../shared/examples`` next to the repository."""
    path = REPO.parent / "shared" / "examples"
    if not path.is_dir():
        pytest.skip("../shared/examples is not present")
    return path


@pytest.fixture
def packaged_examples() -> Path:
    """The copies shipped inside the package."""
    return REPO / "flow_runtime" / "examples"


@pytest.fixture
def redis_client() -> Iterator[object]:
    """A client for 127.0.0.1:6379 with a random key prefix, cleaned up afterwards.

    Skips when Redis is unreachable, unless FLOWSTUDIO_REQUIRE_SERVICES=1 (then fails).
    """
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("FLOWSTUDIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis at 127.0.0.1:6379 is required but unreachable: {exc}")
        pytest.skip("Redis at 127.0.0.1:6379 is unreachable")
    prefix = f"test-flow-runtime:{uuid.uuid4().hex}:"
    client.test_prefix = prefix  # type: ignore[attr-defined]
    yield client
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()
