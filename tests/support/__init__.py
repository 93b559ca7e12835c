"""Shared test helpers: factories, fake providers, sign-in and state helpers."""
