"""Domain logic shared by pages, API routes, tasks and the CLI. Keyword-only, session passed in."""
