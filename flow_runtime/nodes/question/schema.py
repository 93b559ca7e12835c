"""The ``question`` node's data: the question, the input types it can validate, retries and where the answer goes."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator

from flow_runtime.schema.common import NodeBase, StrictModel


class TextInput(StrictModel):
    """Free text with optional length bounds and regular expression."""

    type: Literal["text"] = "text"
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None


class NumberInput(StrictModel):
    """A number (``1.234,5`` and ``1,234.5`` both accepted) within an optional range."""

    type: Literal["number"] = "number"
    min: float | None = None
    max: float | None = None
    integer: bool = False


class EmailInput(StrictModel):
    """An e-mail address."""

    type: Literal["email"] = "email"


class PhoneInput(StrictModel):
    """A phone number: Brazilian (DDD + number), E.164, or either (``any``). Saved as E.164."""

    type: Literal["phone"] = "phone"
    format: Literal["br", "e164", "any"] = "any"


class DateInput(StrictModel):
    """A date typed in pt, es or en formats (``25/12/2024``, ``25 de dezembro``, ``Dec 25 2024``, ``amanhã``). Saved as ISO."""

    type: Literal["date"] = "date"


class CpfInput(StrictModel):
    """A CPF with valid check digits. Saved as 11 digits."""

    type: Literal["cpf"] = "cpf"


class CnpjInput(StrictModel):
    """A CNPJ with valid check digits. Saved as 14 digits."""

    type: Literal["cnpj"] = "cnpj"


class CpfCnpjInput(StrictModel):
    """Either a CPF or a CNPJ."""

    type: Literal["cpf_cnpj"] = "cpf_cnpj"


class CepInput(StrictModel):
    """A Brazilian postal code. Saved as ``NNNNN-NNN``."""

    type: Literal["cep"] = "cep"


class LocationInput(StrictModel):
    """A shared location, or ``lat, lng`` typed as text. Saved as ``{"lat", "lng"}``."""

    type: Literal["location"] = "location"


class ChoiceOption(StrictModel):
    """One accepted answer and its synonyms."""

    value: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)


class ChoiceInput(StrictModel):
    """One of a fixed set of options, matched ignoring accents, case and small typos."""

    type: Literal["choice"] = "choice"
    options: list[ChoiceOption] = Field(default_factory=list)

    @field_validator("options", mode="before")
    @classmethod
    def _plain_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"value": v} if isinstance(v, str) else v for v in value]
        return value


class EntityInput(StrictModel):
    """A value from one of the flow's entity lists (``document.entities``)."""

    type: Literal["entity"] = "entity"
    entity: str = Field(min_length=1)


InputSpec = Annotated[
    TextInput
    | NumberInput
    | EmailInput
    | PhoneInput
    | DateInput
    | CpfInput
    | CnpjInput
    | CpfCnpjInput
    | CepInput
    | LocationInput
    | ChoiceInput
    | EntityInput,
    Field(discriminator="type"),
]


class QuestionNode(NodeBase):
    """Asks for a typed value, validates it, retries, and saves it to a variable.

    Attributes:
        text: The question.
        input: The expected input type and its constraints.
        save_as: Variable that receives the normalised answer.
        retry_text: Sent after an invalid answer (defaults to repeating ``text``).
        max_retries: Invalid answers tolerated before leaving through ``invalid``.
    """

    kind: Literal["question"] = "question"
    text: str
    input: InputSpec = TextInput()
    save_as: str | None = None
    retry_text: str | None = None
    max_retries: int = Field(default=2, ge=0, le=10)
    waits: ClassVar[bool] = True

    def handles(self) -> tuple[str, ...]:
        return ("valid", "invalid")


MODEL = QuestionNode
ORDER = 90
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
