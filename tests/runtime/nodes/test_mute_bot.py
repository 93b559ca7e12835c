"""The ``mute_bot`` node: silences the bot until the time passes."""

from __future__ import annotations

from flow_runtime.testing import fake_ports
from flow_runtime.testing.builders import converse, make_flow
from tests.runtime.flows import OK


def test_mute_bot_silences_until_the_time_passes():
    from flow_runtime.testing import FakeClock

    clock = FakeClock()
    flow = make_flow([{"id": "m", "kind": "mute_bot", "minutes": 10}, OK], [("start", "m"), ("m", "ok")])
    ports = fake_ports(clock=clock)
    first, second = converse(flow, "oi", "alô", ports=ports)
    assert second.stop == "muted"
    clock.advance(minutes=11)
    third = converse(flow, "de novo", ports=ports, session=second.session)[0]
    assert third.stop != "muted" and third.session.muted is False
