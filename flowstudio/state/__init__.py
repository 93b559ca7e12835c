"""Reflex states shared by every page."""
