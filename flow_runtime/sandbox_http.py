"""The allow-listed HTTP relay behind code actions' ``flow.http`` (the ``HttpRelay`` the runners call).

The sandboxed code has no network; it describes a request, and this relay, in the server process:

* accepts ``http``/``https`` URLs whose host (and port) is on the node's or the runner-wide allow
  list (``api.example.com`` = ports 80/443, ``api.example.com:8443``, ``*.example.com``);
* refuses hosts resolving to private, loopback or link-local addresses unless the runner allows
  them or the allow list names that IP literally (``127.0.0.1:8080``);
* substitutes ``{{secret.NAME}}`` in the URL's path/query and header values (never in the host);
* never follows a redirect to another host (same-host redirects, at most 3, are followed);
* caps the number of requests per run, the time per request and the response size;
* masks secret values in every message it raises and in the response the code gets.

The DNS check resolves the name before the request; a name whose records change in between is not
caught (the HTTP client resolves again). Keep ``allow_private`` off and list IP literals instead.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from flow_runtime import secrets as secret_refs
from flow_runtime.ports import HttpClient, HttpRefused, NetworkPolicy, Secrets

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
MAX_REDIRECTS = 3
Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The IP addresses ``host`` resolves to (empty when it does not)."""
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _private(address: str) -> bool:
    ip = _ip(address)
    return ip is None or not ip.is_global


def _target(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise HttpRefused(f"only http and https URLs with a host can be called, not {url!r}")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise HttpRefused(f"the URL {url!r} has an invalid port") from None
    return scheme, parts.hostname.lower(), port


def parse_entry(entry: str) -> tuple[str, int | None]:
    """An allow-list entry as ``(host, port or None)``: ``api.example.com``, ``host:8443``, ``[::1]:8080``."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    return host, int(port) if port.isdigit() else None


def host_allowed(host: str, port: int, allowed: Sequence[str]) -> tuple[str, int | None] | None:
    """The allow-list entry admitting ``host:port``, or ``None``.

    An entry without a port admits 80 and 443; ``*.example.com`` admits one label (``shop.example.com``,
    not ``a.shop.example.com`` nor ``example.com``).
    """
    for raw in allowed:
        name, entry_port = parse_entry(raw)
        if not name or (port != entry_port if entry_port is not None else port not in (80, 443)):
            continue
        if name == host or name.startswith("*.") and host.endswith(name[1:]) and "." not in host[: -len(name) + 1]:
            return name, entry_port
    return None


def inward_entries(allowed: Sequence[str]) -> list[str]:
    """Allow-list entries that point back at this server or its cloud metadata, whatever their spelling.

    ``0.0.0.0``, ``[::]``, ``127.x``, ``[::1]``, ``[::ffff:127.0.0.1]`` (IPv4 in IPv6), link-local addresses
    (``169.254.169.254`` is the cloud's metadata service) and ``localhost`` names: listing one lets code
    call the server's own services, which the studio warns about.
    """
    found = []
    for raw in allowed:
        host, _ = parse_entry(raw)
        ip = _ip(host)
        if ip is not None and isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if (
            ip is not None
            and (ip.is_loopback or ip.is_unspecified or ip.is_link_local)
            or ip is None
            and (host == "localhost" or host.endswith(".localhost"))
        ):
            found.append(raw.strip())
    return found


class SandboxHttp:
    """``HttpRelay`` over an ``HttpClient``, enforcing the rules in the module docstring.

    Args:
        client: The HTTP port (called with ``follow_redirects=False`` and ``max_bytes``).
        policy: Runner-wide rules (allow list, private addresses, caps).
        allowed_hosts: The node's or action's own allow list.
        secrets: Where ``{{secret.NAME}}`` values come from.
        resolver: Name resolution, for the private-address check.
    """

    def __init__(
        self,
        *,
        client: HttpClient,
        policy: NetworkPolicy,
        allowed_hosts: Sequence[str] = (),
        secrets: Secrets | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.client = client
        self.policy = policy
        self.allowed = (*allowed_hosts, *policy.allowed_hosts)
        self.secrets = secrets
        self.resolver = resolver
        self.count = 0
        self._used: list[str] = []

    def request(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Check and perform one request; see ``HttpRelay``."""
        try:
            return self._request(spec)
        except HttpRefused as exc:
            raise HttpRefused(secret_refs.scrub(str(exc), self._used)) from None

    def _request(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        self.count += 1
        if self.count > self.policy.max_requests:
            raise HttpRefused(f"more than {self.policy.max_requests} HTTP requests in one run")
        method = str(spec.get("method", "GET")).upper()
        if method not in METHODS:
            raise HttpRefused(f"the HTTP method {method} is not allowed")
        url = str(spec.get("url", ""))
        if "{{" in urlsplit(url).netloc:
            raise HttpRefused("secrets may be used in the URL's path and query, not in its host")
        self._check(url)
        real_url = self._substitute(url)
        headers = {k: self._substitute(v) for k, v in dict(spec.get("headers") or {}).items()}
        body = spec.get("json")
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.client.request(
                    method=method,
                    url=real_url,
                    headers=headers,
                    body=body,
                    timeout=self.policy.request_timeout,
                    follow_redirects=False,
                    max_bytes=self.policy.max_response_bytes,
                )
            except Exception as exc:  # network failure, timeout, too large: the code sees an HttpError
                reason = str(exc) or type(exc).__name__
                raise HttpRefused(f"{method} {url} failed: {reason}") from None
            location = dict((k.lower(), v) for k, v in response.headers.items()).get("location")
            if not (300 <= response.status < 400 and location):
                break
            next_url = urljoin(real_url, location)
            if _target(next_url) != _target(real_url):
                raise HttpRefused(
                    f"{url} redirects to another host ({_target(next_url)[1]}); redirects are not followed"
                )
            real_url = next_url
            if response.status in (301, 302, 303) and method != "GET":
                method, body = "GET", None
        if len(response.text.encode("utf-8")) > self.policy.max_response_bytes:
            raise HttpRefused(f"the response of {url} is larger than {self.policy.max_response_bytes} bytes")
        scrub = self._scrub
        return {
            "status": response.status,
            "json": scrub(response.json),
            "text": scrub(response.text),
            "headers": {k: scrub(v) for k, v in response.headers.items()},
        }

    def _scrub(self, value: Any) -> Any:
        """``value`` with secret values masked in every string (an API may echo a header back)."""
        if not self._used:
            return value
        if isinstance(value, str):
            return secret_refs.scrub(value, self._used)
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self._scrub(v) for k, v in value.items()}
        return value

    def _substitute(self, text: str) -> str:
        if self.secrets is None and "{{" in text and secret_refs.names(text):
            raise HttpRefused(f"secret {secret_refs.names(text)[0]} is not defined")
        try:
            return secret_refs.substitute(text, self.secrets, self._used) if self.secrets else text
        except secret_refs.MissingSecret as exc:
            raise HttpRefused(str(exc)) from None

    def _check(self, url: str) -> None:
        _, host, port = _target(url)
        entry = host_allowed(host, port, self.allowed)
        if entry is None:
            raise HttpRefused(f"the host {host}:{port} is not in this action's allowed hosts")
        if _ip(host) is not None and _ip(entry[0]) is not None:
            return  # an IP listed literally is an explicit permission, private or not
        if self.policy.allow_private:
            return
        addresses = [host] if _ip(host) is not None else self.resolver(host)
        if not addresses:
            raise HttpRefused(f"the host {host} could not be resolved")
        if any(_private(a) for a in addresses):
            raise HttpRefused(f"the host {host} is a private or loopback address; list its IP explicitly to allow it")
