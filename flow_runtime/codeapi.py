"""What designer code sees: the ``flow`` object, and how the code is compiled so ``return`` works.

A code node's (or reusable action's) Python runs as the body of a function, so it may end with
``return "outcome"``. Its names:

``flow.vars``
    The conversation's variables (a dict; changes are kept). ``variables`` is the same dict,
    so code written for older versions (``variables['total'] = 42``) still works.
``flow.tags``
    The contact's tags (a list); ``flow.tag("vip")`` / ``flow.untag("new")`` change them.
``flow.contact``, ``flow.constants``, ``flow.params``
    Read-only mappings: contact fields, the flow's constants, a reusable action's parameters.
``flow.say(text, buttons=None, image=None)``
    Queue a message; ``buttons`` are labels, ``{"title", "payload"}`` or ``{"label", "id"}``.
    A pressed button sends its payload (or label) back as the user's text.
``flow.http.get(url, params=None, headers=None)``, ``.post(url, json=None, headers=None)``, ``.put``,
``.patch``, ``.delete``
    HTTP to allow-listed hosts only, performed by the server outside the sandbox; returns a
    ``Response`` shaped like ``requests``' (``status_code``, ``ok``, ``text``, ``json()``,
    ``headers``, ``raise_for_status()``). Headers and URLs may use ``{{secret.NAME}}``. A refused or
    failed request raises ``HttpError``.
``flow.outcome = "vip"`` or ``return "vip"``
    Which exit to follow: ``ok`` (the default), ``error`` or an outcome declared on the node.
    Returning a dict merges it into the variables.

Example::

    order = flow.http.get(f"https://api.example.com/orders/{flow.vars['order_id']}").json()
    flow.vars["status"] = order["status"]
    flow.say(f"Your order is {order['status']}.", buttons=["Track it", "Talk to us"])
    if order["status"] == "late":
        return "late"

This module is standard-library only and self-contained: the sandbox child runs its source.
"""

import ast
import json
import types
from urllib.parse import urlencode

FILENAME = "<code node>"
ARGUMENTS = ("flow", "variables", "tags", "contact", "constants", "params")
MAX_MESSAGES = 20
MAX_TEXT = 4096


class HttpError(Exception):
    """An HTTP request the server refused (host not allowed, too many) or that failed."""


class NotJsonError(ValueError):
    """The variables the code left are not all JSON values."""


def compile_code(source, filename=FILENAME):
    """Compile ``source`` as the body of a function taking ``ARGUMENTS``, keeping its line numbers.

    Raises:
        SyntaxError: The code is not valid Python (even as a function body).
    """
    module = ast.parse(source, filename, "exec")
    body = module.body or [ast.Pass(lineno=1, col_offset=0)]
    arguments = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=name) for name in ARGUMENTS],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )
    fields = {"name": "__flow_code__", "args": arguments, "body": body, "decorator_list": [], "returns": None}
    if "type_params" in ast.FunctionDef._fields:
        fields["type_params"] = []
    function = ast.FunctionDef(**fields, lineno=1, col_offset=0)
    tree = ast.Module(body=[function], type_ignores=[])
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec")


class Response:
    """An HTTP response, shaped like ``requests.Response``."""

    def __init__(self, data):
        self.status_code = int(data.get("status", 0))
        self.status = self.status_code
        self.text = data.get("text") or ""
        self.headers = dict(data.get("headers") or {})
        self._json = data.get("json")

    @property
    def ok(self):
        """Whether the status is below 400."""
        return self.status_code < 400

    def json(self):
        """The parsed JSON body (``None`` when the body was not JSON)."""
        return self._json

    def raise_for_status(self):
        """Raise ``HttpError`` for a 4xx/5xx status."""
        if not self.ok:
            raise HttpError(f"HTTP {self.status_code}")

    def __repr__(self):
        return f"<Response [{self.status_code}]>"


class Http:
    """``flow.http``: requests go to ``transport(spec) -> response dict``, which raises ``HttpError``."""

    def __init__(self, transport):
        self._transport = transport

    def request(self, method, url, *, params=None, json=None, headers=None):
        """Send one request; see the module docstring."""
        if params:
            url = url + ("&" if "?" in url else "?") + urlencode(params)
        spec = {
            "method": str(method).upper(),
            "url": str(url),
            "headers": {str(k): str(v) for k, v in (headers or {}).items()},
            "json": json,
        }
        return Response(self._transport(spec))

    def get(self, url, params=None, headers=None):
        return self.request("GET", url, params=params, headers=headers)

    def post(self, url, json=None, headers=None, params=None):
        return self.request("POST", url, params=params, json=json, headers=headers)

    def put(self, url, json=None, headers=None, params=None):
        return self.request("PUT", url, params=params, json=json, headers=headers)

    def patch(self, url, json=None, headers=None, params=None):
        return self.request("PATCH", url, params=params, json=json, headers=headers)

    def delete(self, url, headers=None, params=None):
        return self.request("DELETE", url, params=params, headers=headers)


def _button(item):
    if isinstance(item, str):
        return {"id": item, "label": item}
    if isinstance(item, dict):
        label = str(item.get("label") or item.get("title") or "")
        ident = str(item.get("id") or item.get("payload") or label)
        if label:
            return {"id": ident, "label": label}
    raise ValueError(f"a button is a label or a dict with 'title' (or 'label'), got {item!r}")


class Flow:
    """The ``flow`` object; see the module docstring."""

    def __init__(self, *, variables, tags=(), contact=None, constants=None, params=None, transport=None):
        self.vars = variables
        self.tags = list(tags)
        self.contact = types.MappingProxyType(dict(contact or {}))
        self.constants = types.MappingProxyType(dict(constants or {}))
        self.params = types.MappingProxyType(dict(params or {}))
        self.http = Http(transport or _no_network)
        self.outcome = None
        self.messages = []

    def say(self, text, buttons=None, image=None):
        """Queue a message (with optional buttons or an image) to send after the code finishes."""
        if len(self.messages) >= MAX_MESSAGES:
            raise ValueError(f"at most {MAX_MESSAGES} messages per run")
        text = str(text)[:MAX_TEXT]
        if image:
            self.messages.append(
                {"type": "media", "media_type": "image", "url": str(image), "caption": text or None, "filename": None}
            )
        elif buttons:
            self.messages.append({"type": "buttons", "text": text, "buttons": [_button(b) for b in buttons]})
        else:
            self.messages.append({"type": "text", "text": text})

    def tag(self, name):
        """Add a tag to the contact."""
        if str(name) not in self.tags:
            self.tags.append(str(name))

    def untag(self, name):
        """Remove a tag from the contact."""
        if str(name) in self.tags:
            self.tags.remove(str(name))


def _no_network(spec):
    raise HttpError("HTTP is not available here")


def execute(code, flow):
    """Run compiled ``code`` with ``flow``; returns the JSON-ready result dict (raises what the code raises).

    The result has ``variables``, ``tags``, ``messages`` and ``outcome``; a returned string is the
    outcome, a returned dict is merged into the variables.
    """
    scope = {"__name__": "__flow_code__"}
    exec(code, scope)
    returned = scope["__flow_code__"](flow, flow.vars, flow.tags, flow.contact, flow.constants, flow.params)
    if isinstance(returned, types.GeneratorType):
        raise TypeError("the code must not use 'yield'")
    outcome = flow.outcome
    if isinstance(returned, str):
        outcome = returned
    elif isinstance(returned, dict):
        flow.vars.update(returned)
    elif returned is not None:
        raise TypeError(f"return an outcome name (str) or a dict of variables, not {type(returned).__name__}")
    if outcome is not None and not isinstance(outcome, str):
        raise TypeError("flow.outcome must be a str")
    if not isinstance(flow.vars, dict):
        raise TypeError("'variables' must stay a dict")
    try:
        encoded = json.loads(json.dumps(flow.vars))
    except (TypeError, ValueError) as exc:
        raise NotJsonError(f"variables must be JSON values: {exc}") from None
    return {"variables": encoded, "tags": [str(t) for t in flow.tags], "messages": flow.messages, "outcome": outcome}
