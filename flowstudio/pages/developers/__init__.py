"""/developers: the workspace's code actions, secrets and outgoing webhooks (admins and developers)."""

from flowstudio.pages.developers.page import DevelopersState, developers_page

__all__ = ["DevelopersState", "developers_page"]
