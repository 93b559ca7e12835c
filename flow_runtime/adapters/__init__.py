"""Default adapters for ports that the runtime can provide itself (code sandbox, urllib HTTP)."""
