"""The install itself: health, migrations, the demo seed, rate limits, workspace settings."""
