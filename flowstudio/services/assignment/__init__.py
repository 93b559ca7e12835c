"""Conversations in human hands: agents, queues and the hand-off lifecycle."""
