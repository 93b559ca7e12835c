"""The agent's inbox and the supervisors' queue monitor."""
