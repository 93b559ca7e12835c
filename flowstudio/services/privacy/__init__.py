"""Privacy: the audit log, who sees plaintext, retention and erasure."""
