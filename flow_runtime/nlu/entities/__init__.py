"""Entities: system types found by rule, and business entity lists uploaded as CSV.

* :func:`extract` finds every system entity (email, phone, cpf, cnpj, cep, date, time,
  money, number) in a message, with normalised values.
* :class:`EntityList` matches a list's values and synonyms (fuzzy) for question
  validation and extraction into variables.
"""

from flow_runtime.nlu.entities.lists import EntityList, EntityValue
from flow_runtime.nlu.entities.system import SYSTEM_TYPES, EntityMatch, extract, extract_one

__all__ = ["SYSTEM_TYPES", "EntityList", "EntityMatch", "EntityValue", "extract", "extract_one"]
