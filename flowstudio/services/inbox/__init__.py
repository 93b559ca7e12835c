"""The agent's inbox: listing, who may see what, quick replies."""
