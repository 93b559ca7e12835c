"""The outside world: channels, e-mail, secrets, signatures and outgoing webhooks."""
