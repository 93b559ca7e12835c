"""The ``send_email`` node: renders and sends; a failure takes ``error``."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.testing import FakeEmail, fake_ports
from flow_runtime.testing.builders import converse, texts
from tests.runtime.flows import act_flow


def test_send_email_renders_and_sends():
    node = {"id": "e", "kind": "send_email", "to": "${email}", "subject": "Pedido", "body": "Total ${total}"}
    email = FakeEmail()
    session = new_session(variables={"email": "a@b.co", "total": 45})
    converse(act_flow(node), "oi", ports=fake_ports(email=email), session=session)
    assert email.outbox == [{"to": "a@b.co", "subject": "Pedido", "body": "Total 45", "cc": []}]


def test_send_email_failure_takes_error():
    node = {"id": "e", "kind": "send_email", "to": "a@b.co"}
    (result,) = converse(act_flow(node), "oi", ports=fake_ports(email=FakeEmail(fail=True)))
    assert texts(result) == ["falhou"]
