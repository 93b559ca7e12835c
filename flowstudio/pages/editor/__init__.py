"""The studio: canvas, palette, inspector, emulator, versions."""
