"""Pages about the signed-in user's own account."""
