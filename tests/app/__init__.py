"""Tests of the app (flowstudio), one folder per area as in flowstudio/services."""
