"""A customer message edited after it was sent shows in the inbox's chat as edited, its old text at hand."""

from __future__ import annotations

from sqlmodel import Session

from flowstudio.i18n import translate
from flowstudio.models import Contact, Conversation, Direction, Message, OwnerType, Role, SenderType, utcnow
from flowstudio.pages.inbox.state import InboxState
from tests.support.factories import make_queue, make_user, make_workspace
from tests.support.state import Ui


def test_an_edited_customer_message_is_marked_with_its_previous_text(session: Session) -> None:
    workspace = make_workspace(session)
    queue = make_queue(session, workspace=workspace, name="Vendas", is_default=True)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN, name="Ana")
    contact = Contact(workspace_id=workspace.id, name="Carla")
    session.add(contact)
    session.flush()
    conversation = Conversation(
        workspace_id=workspace.id,
        contact_id=contact.id,
        channel="telegram",
        owner_type=OwnerType.QUEUE,
        owner_queue_id=queue.id,
        queue_id=queue.id,
        last_message_at=utcnow(),
        waiting_since=utcnow(),
    )
    session.add(conversation)
    session.flush()
    for text, payload in (
        ("quero duas pizzas", {"edited_at": utcnow().isoformat(), "previous_texts": ["quero uma pizza"]}),
        ("obrigada", {}),
    ):
        session.add(
            Message(
                conversation_id=conversation.id,
                direction=Direction.INBOUND,
                sender_type=SenderType.CONTACT,
                text=text,
                payload=payload,
            )
        )
    session.commit()

    ui = Ui(workspace_id=workspace.id, user_id=admin.id, lang="pt-BR")
    ui.fire(InboxState, "load")
    ui.fire(InboxState, "open_conversation", conversation.id)

    shown = {m.text: m for m in ui.state(InboxState).messages}
    assert shown["quero duas pizzas"].edited and shown["quero duas pizzas"].previous_text == "quero uma pizza"
    assert not shown["obrigada"].edited and shown["obrigada"].previous_text == ""
    assert [translate("inbox.message_edited", lang) for lang in ("pt-BR", "es", "en")] == [
        "(editada)",
        "(editado)",
        "(edited)",
    ]
