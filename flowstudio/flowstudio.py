"""The Reflex app: pages, their routes and guards, and the /api routes."""

import reflex as rx

from flowstudio.api import create_api
from flowstudio.pages.account.security import AccountSecurityState, account_security_page
from flowstudio.pages.agents import AgentsState, agents_page
from flowstudio.pages.api_tokens import TokensState, api_tokens_page
from flowstudio.pages.audit import AuditLogState, audit_page
from flowstudio.pages.bots import BotsState, bots_page
from flowstudio.pages.channels import ChannelsState, channels_page
from flowstudio.pages.developers import DevelopersState, developers_page
from flowstudio.pages.editor.page import editor_page
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.flow_manager import FlowManagerState, flow_manager_page
from flowstudio.pages.inbox.monitor import MonitorState, monitor_page
from flowstudio.pages.inbox.page import inbox_page
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.ip_rules import IpRulesState, ip_rules_page
from flowstudio.pages.login import LoginState, login_page
from flowstudio.pages.not_allowed import not_allowed_page
from flowstudio.pages.queues import QueuesState, queues_page
from flowstudio.pages.sections import SECTIONS, section_page
from flowstudio.pages.security_settings import SecuritySettingsState, security_settings_page
from flowstudio.pages.settings import SettingsState, settings_page
from flowstudio.services.identity import permissions as can
from flowstudio.state import connections
from flowstudio.state.guard import NOT_ALLOWED_ROUTE, GuardState
from flowstudio.state.session import SessionState
from flowstudio.tuning import on_app_start

app = rx.App(api_transformer=create_api(), html_lang="pt-BR")
connections.attach(app)  # live pages ask it whether a tab is still connected
app.register_lifespan_task(on_app_start)  # the process's tuning; spaCy tables and the encoder, before the first message

app.add_page(login_page, route="/login", title="FlowStudio", on_load=LoginState.on_load)
app.add_page(lambda: rx.fragment(), route="/", on_load=SessionState.go_home, title="FlowStudio")
app.add_page(
    bots_page,
    route="/bots",
    title="Bots · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.BOTS_VIEW), BotsState.load],
)
for route, icon, title_key, body_key in SECTIONS:
    app.add_page(
        section_page(icon, title_key, body_key), route=route, title="FlowStudio", on_load=SessionState.require_login
    )
app.add_page(
    settings_page, route="/settings", title="FlowStudio", on_load=[SessionState.require_login, SettingsState.load]
)
app.add_page(
    editor_page,
    route="/bots/[bot_id]/editor",
    title="Studio · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.FLOWS_EDIT), EditorState.load],
)
app.add_page(
    flow_manager_page,
    route="/flow-manager",
    title="Flow manager · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.ROUTING_MANAGE), FlowManagerState.load],
)
app.add_page(
    agents_page,
    route="/agents",
    title="Agents · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.AGENTS_MANAGE), AgentsState.load],
)
app.add_page(
    queues_page,
    route="/queues",
    title="Queues · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.QUEUES_MANAGE), QueuesState.load],
)
app.add_page(
    inbox_page,
    route="/inbox",
    title="Inbox · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.INBOX_WORK), InboxState.load],
)
app.add_page(
    monitor_page,
    route="/inbox/monitor",
    title="Queue monitor · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.INBOX_SUPERVISE), MonitorState.load],
)
app.add_page(
    ip_rules_page,
    route="/settings/ip-rules",
    title="IP rules · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.SECURITY_MANAGE), IpRulesState.load],
)
app.add_page(
    developers_page,
    route="/developers",
    title="Developers · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.DEVELOPERS_MANAGE), DevelopersState.load],
)
app.add_page(not_allowed_page, route=NOT_ALLOWED_ROUTE, title="FlowStudio", on_load=SessionState.require_login)
app.add_page(
    account_security_page,
    route="/account/security",
    title="Security · FlowStudio",
    on_load=[SessionState.require_login, AccountSecurityState.load],
)
app.add_page(
    security_settings_page,
    route="/settings/security",
    title="Sign-in security · FlowStudio",
    on_load=[SessionState.require_login, SecuritySettingsState.load],
)
app.add_page(
    audit_page,
    route="/settings/audit",
    title="Audit log · FlowStudio",
    on_load=[SessionState.require_login, AuditLogState.load],
)
app.add_page(
    channels_page,
    route="/channels",
    title="Channels · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.CHANNELS_MANAGE), ChannelsState.load],
)
app.add_page(
    api_tokens_page,
    route="/settings/tokens",
    title="API tokens · FlowStudio",
    on_load=[SessionState.require_login, GuardState.require(can.SECURITY_MANAGE), TokensState.load],
)
