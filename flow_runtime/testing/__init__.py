"""Test support: fakes for every port and the JSONL conversation-test runner."""

from flow_runtime.testing.conversation import (
    ConversationResult,
    ConversationTest,
    ConversationTestError,
    Failure,
    parse_conversation,
    run_conversation,
    run_conversation_files,
)
from flow_runtime.testing.fakes import (
    FakeActionCatalog,
    FakeActionServer,
    FakeClock,
    FakeCodeRunner,
    FakeEmail,
    FakeHttp,
    FakeRandom,
    FakeSearch,
    FakeSecrets,
    InProcessCodeRunner,
    fake_ports,
)

__all__ = [
    "ConversationResult",
    "ConversationTest",
    "ConversationTestError",
    "Failure",
    "FakeActionCatalog",
    "FakeActionServer",
    "FakeClock",
    "FakeCodeRunner",
    "FakeSecrets",
    "FakeEmail",
    "FakeHttp",
    "FakeRandom",
    "FakeSearch",
    "InProcessCodeRunner",
    "fake_ports",
    "parse_conversation",
    "run_conversation",
    "run_conversation_files",
]
