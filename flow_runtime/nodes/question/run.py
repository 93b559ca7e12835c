"""``question``: asks, validates, retries, saves; exits ``valid`` and ``invalid``."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.question.schema import QuestionNode
from flow_runtime.steps import Continue, NotForMe, Step, Updates, Wait
from flow_runtime.validation import Invalid, Valid, validate_answer

ANSWERS = frozenset({"text", "location"})
"""Events validated as answers."""
NOT_ANSWERS = frozenset({"image", "document", "audio", "video"})
"""Messages that answer no question type: an invalid answer (retry, then ``invalid``)."""


def run(node: QuestionNode, ctx: NodeContext) -> Step:
    """Ask the question and wait."""
    return Wait(outputs=(out.text(ctx.render(node.text)),))


def resume(node: QuestionNode, ctx: NodeContext) -> Step | NotForMe:
    """Validate the answer: save and exit ``valid``; else retry, or exit ``invalid`` after ``max_retries``.

    Media sent instead of an answer counts as an invalid answer, so the customer sees the
    retry text rather than silence; clicks (old menus) and timers are left to the router.
    """
    event = ctx.event
    if event is None or event.type not in ANSWERS | NOT_ANSWERS:
        return NotForMe("not an answer")
    if event.type in NOT_ANSWERS:
        answer = Invalid("not_an_answer")
    else:
        answer = validate_answer(
            node.input,
            event.text,
            data=event.data,
            language=ctx.session.language,
            today=ctx.local_now.date(),
            entities=ctx.flow.entities,
        )
    if isinstance(answer, Valid):
        variables = {node.save_as: answer.value} if node.save_as else {}
        return Continue("valid", updates=Updates(variables=variables))
    retries = ctx.session.retries
    if retries < node.max_retries:
        text = ctx.render(node.retry_text or node.text)
        return Wait(outputs=(out.text(text),), retries=retries + 1)
    if (node.id, "invalid") not in ctx.flow.transitions:  # nowhere to go: ask again rather than fall silent
        return Wait(outputs=(out.text(ctx.render(node.retry_text or node.text)),), retries=retries)
    rejected = out.event("flow.question.invalid", node_id=node.id, reason=answer.reason)
    return Continue("invalid", outputs=(rejected,))
