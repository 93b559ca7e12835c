"""IP rules of a workspace: who is refused by address, and which address a request really comes from.

- The **block list** refuses everyone (every role) from a listed address or network: sign-in, every page
  load and event, every API call with the workspace's token.
- The **allow list**, when not empty, is where **agents** may sign in and work from; other roles ignore it
  (an administrator cannot lock the whole team out by listing an office network).

The client address is the socket peer unless `FLOWSTUDIO_TRUSTED_PROXY_HOPS` says that many reverse proxies
append to `X-Forwarded-For`: then it is the address the outermost trusted proxy saw (the N-th from the
right). Anything further left was written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from flowstudio.errors import Invalid
from flowstudio.models import IpRule, IpRuleKind, Role
from flowstudio.services.identity import permissions, sign_in
from flowstudio.services.identity.auth import primary_workspace_id
from flowstudio.services.privacy import audit
from flowstudio.settings import get_settings

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_RULES = 500
BLOCKED = "access.ip_blocked"
NOT_ALLOWED = "access.ip_not_allowed"


class IpRuleError(Invalid):
    """A rule that cannot be saved; `key` is an i18n key, `detail` the text at fault."""


@dataclass(frozen=True)
class RuleView:
    """A rule as pages and the API show it."""

    id: int
    kind: str
    network: str
    note: str


def parse_network(text: str) -> IpNetwork:
    """An address or CIDR (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`) as a network.

    Host bits set under the mask (`10.0.0.5/8`) are refused rather than silently widened.

    Raises:
        IpRuleError: `iprules.bad_network` with the text.
    """
    value = (text or "").strip()
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise IpRuleError("iprules.bad_network", detail=value) from error
    return _unmapped(network)


def _unmapped(network: IpNetwork) -> IpNetwork:
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped and network.prefixlen >= 96:
        return ipaddress.ip_network(f"{network.network_address.ipv4_mapped}/{network.prefixlen - 96}")
    return network


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A client address (IPv4-mapped IPv6 becomes IPv4), or None if it is not one."""
    try:
        address = ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(peer: str, forwarded_for: str | None = None, *, hops: int | None = None) -> str:
    """The client's address: the socket `peer`, or with N trusted proxy hops the N-th `X-Forwarded-For` entry
    from the right (each proxy appends the address it received the request from).

    Args:
        peer: The TCP peer of the connection (the nearest proxy when there are proxies).
        forwarded_for: The `X-Forwarded-For` header, possibly several joined with commas.
        hops: Trusted proxies; default `FLOWSTUDIO_TRUSTED_PROXY_HOPS`.
    """
    hops = get_settings().trusted_proxy_hops if hops is None else hops
    if hops <= 0:
        return peer or ""
    entries = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
    if len(entries) < hops:
        return peer or ""
    candidate = entries[-hops]
    return candidate if parse_address(candidate) is not None else (peer or "")


def _networks(session: Session, workspace_id: int, kind: IpRuleKind) -> list[IpNetwork]:
    rows = session.exec(select(IpRule.network).where(IpRule.workspace_id == workspace_id, IpRule.kind == kind))
    return [parse_network(row) for row in rows]


def _inside(address: Any, networks: list[IpNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def refusal(*, session: Session, workspace_id: int, ip: str, role: Role | str | None) -> str | None:
    """Why a member of this role may not act from `ip` in the workspace (an i18n key), or None if they may.

    An address that cannot be read (none, or garbage) is refused only when a rule would have to vouch for it:
    when the agents' allow list is not empty and the member is an agent.
    """
    address = parse_address(ip)
    if address is not None and _inside(address, _networks(session, workspace_id, IpRuleKind.BLOCK)):
        return BLOCKED
    if role is not None and Role(role) is Role.AGENT:
        allowed = _networks(session, workspace_id, IpRuleKind.ALLOW)
        if allowed and (address is None or not _inside(address, allowed)):
            return NOT_ALLOWED
    return None


def list_rules(*, session: Session, workspace_id: int) -> list[RuleView]:
    """The workspace's rules, block list first, each list in the order added."""
    rows = session.exec(
        select(IpRule).where(IpRule.workspace_id == workspace_id).order_by(IpRule.kind.desc(), IpRule.id)
    )
    return [RuleView(id=r.id, kind=r.kind.value, network=r.network, note=r.note) for r in rows]


def add_rule(
    *,
    session: Session,
    workspace_id: int,
    kind: str,
    network: str,
    note: str = "",
    actor: Any = None,
    actor_ip: str = "",
) -> RuleView:
    """Add an address or network to the block or allow list; audited as `security.ip_rule_added`.

    Raises:
        IpRuleError: a bad kind or network, a repeat, too many rules, or a block that would refuse the
            acting administrator's own address (`iprules.locks_you_out`).
    """
    try:
        rule_kind = IpRuleKind(kind)
    except ValueError as error:
        raise IpRuleError("iprules.bad_kind", detail=str(kind)) from error
    parsed = parse_network(network)
    note = (note or "").strip()
    if len(note) > 200:
        raise IpRuleError("iprules.note_too_long", detail=note[:40])
    existing = session.exec(select(IpRule).where(IpRule.workspace_id == workspace_id)).all()
    if len(existing) >= MAX_RULES:
        raise IpRuleError("iprules.too_many_rules", detail=str(MAX_RULES))
    if any(r.kind == rule_kind and r.network == str(parsed) for r in existing):
        raise IpRuleError("iprules.duplicate_rule", detail=str(parsed))
    own = parse_address(actor_ip)
    if rule_kind is IpRuleKind.BLOCK and own is not None and _inside(own, [parsed]):
        raise IpRuleError("iprules.locks_you_out", detail=str(own))
    rule = IpRule(
        workspace_id=workspace_id,
        kind=rule_kind,
        network=str(parsed),
        note=note,
        created_by_user_id=getattr(actor, "user_id", None) or getattr(actor, "id", None),
    )
    session.add(rule)
    session.flush()
    audit.record(
        session,
        "security.ip_rule_added",
        workspace_id=workspace_id,
        actor=actor,
        target=("ip_rule", rule.id),
        details={"kind": rule_kind.value, "network": rule.network, "note": note},
        ip=actor_ip,
    )
    return RuleView(id=rule.id, kind=rule.kind.value, network=rule.network, note=rule.note)


def remove_rule(*, session: Session, workspace_id: int, rule_id: int, actor: Any = None, actor_ip: str = "") -> bool:
    """Remove one of the workspace's rules (False if there is none with that id there); audited."""
    rule = session.get(IpRule, rule_id)
    if rule is None or rule.workspace_id != workspace_id:
        return False
    details = {"kind": rule.kind.value, "network": rule.network, "note": rule.note}
    session.delete(rule)
    session.flush()
    audit.record(
        session,
        "security.ip_rule_removed",
        workspace_id=workspace_id,
        actor=actor,
        target=("ip_rule", rule_id),
        details=details,
        ip=actor_ip,
    )
    return True


def sign_in_refusal(session: Session, user: Any, ip: str) -> str | None:
    """The sign-in hook (`services.sign_in.add_ip_check`): the rules of the workspace the login opens.

    An unknown e-mail has no workspace, so no rule applies (its password check fails anyway).
    """
    if user is None:
        return None
    workspace_id = primary_workspace_id(session, user.id)
    if workspace_id is None:
        return None
    role = permissions.member_role(session=session, workspace_id=workspace_id, user_id=user.id)
    return refusal(session=session, workspace_id=workspace_id, ip=ip, role=role)


def _register_sign_in_hook() -> None:
    sign_in.add_ip_check(sign_in_refusal)


_register_sign_in_hook()
