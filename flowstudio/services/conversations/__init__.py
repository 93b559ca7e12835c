"""The path of one message: inbound handling, the engine's ports, turn writes, locks, typing, edits."""
