"""A small OpenID Connect provider for tests: discovery, an authorization endpoint that approves the
configured test user at once, a token endpoint issuing RS256 id_tokens (PKCE and client secret
checked), and the JWKS. Signed with joserfc, Authlib's JOSE library. Runs on a free port in a thread.

Knobs on `Provider` (`email`, `email_verified`, `amr`, `sign_with_other_key`, `nonce_override`) let a
test play a misbehaving or hostile provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.browser.server import free_port

CLIENT_ID = "flowstudio-test"
CLIENT_SECRET = "s3cr3t-client"


class Provider:
    """The provider's state and knobs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.email, self.email_verified, self.name, self.amr = "sso.user@acme.example", True, "Sso User", ["pwd"]
        self.sign_with_other_key = False
        self.nonce_override: str | None = None
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """Approve at once: the redirect back to the client with a fresh code."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        self.token_requests.append(form)
        request = self.codes.pop(form.get("code", ""), None)
        if request is None:
            return 400, {"error": "invalid_grant"}
        client = (
            base64.b64decode(authorization.removeprefix("Basic ")).decode()
            if authorization
            else f"{form.get('client_id')}:{form.get('client_secret')}"
        )
        if client != f"{CLIENT_ID}:{CLIENT_SECRET}":
            return 401, {"error": "invalid_client"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != request.get("code_challenge") or request.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "user-1",
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override if self.nonce_override is not None else request.get("nonce"),
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "amr": self.amr,
        }
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.end_headers()
            else:
                self._json(404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path == "/token":
                self._json(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._json(404, {})

    return Handler


class running_provider:
    """Serve a `Provider` in a thread for the duration of a `with` block."""

    def __enter__(self) -> Provider:
        self.provider = Provider()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.provider.port), _handler(self.provider))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.provider

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
