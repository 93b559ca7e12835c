"""The flow manager: who owns a conversation, routing rules and knowledge areas."""
