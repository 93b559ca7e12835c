"""Reflex configuration, derived from FlowStudio's settings so both read the same environment."""

import os

import reflex as rx

from flowstudio.settings import get_settings

settings = get_settings()
if settings.redis_url:
    # Reflex's state manager reads REFLEX_REDIS_URL/redis_url, not REDIS_URL: share one variable.
    os.environ.setdefault("GRANIAN_WORKERS", "2")

config = rx.Config(
    app_name="flowstudio",
    # The backend's port only: a full prod run serves pages and backend on it (Reflex takes the backend's port
    # when no frontend port is set), and `reflex run --backend-only` refuses any frontend port, even one set here.
    backend_port=settings.port,
    deploy_url=f"http://localhost:{settings.port}",  # (what setting frontend_port used to derive)
    redis_url=settings.redis_url or None,
    trusted_proxy_hops=settings.trusted_proxy_hops,  # router.session.client_ip == services.ip_rules.client_ip
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="light", accent_color="iris", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
