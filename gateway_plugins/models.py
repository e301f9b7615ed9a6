"""The base of every data type: frozen, strict, silent about rejected input.

:class:`_Inspected` adds the scrubber's inspection of the free-form fields
(``raw_response``, ``psp_error_message``), made once, when validation builds
the object, for every later reader (the manager, the webhooks).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

from .fields import check_free_form
from .scrub import Inspection, inspect

_MODEL = ConfigDict(frozen=True, hide_input_in_errors=True, extra="forbid")


def _check_free_form(value: object) -> object:
    # Before pydantic copies the dict, so a cycle through the top level is still one.
    return check_free_form(value) if isinstance(value, dict) else value


class _Model(BaseModel):
    """Frozen, strict about unknown fields, and silent about rejected input."""

    model_config = _MODEL

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic's own "frozen" error would print the value, maybe a card number.
        raise AttributeError(
            f"{type(self).__name__} is immutable; use model_copy(update={{{name!r}: ...}})"
        )


_Self = TypeVar("_Self", bound="_Inspected")


class _Inspected(_Model):
    """A model whose free-form fields (``raw_response``, ``psp_error_message``) the
    scrubber inspected when validation built it, once, for every later reader.

    The mark holds the id of the validated object: a copy made by ``model_copy``
    or an object made by ``model_construct`` carries no mark of its own, and the
    manager validates it again before trusting it.
    """

    _checked: tuple[int, Inspection] | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # pydantic compares private attributes too; the mark is no part of the value.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = _Model.__hash__

    def _inspect(self, *values: object) -> None:
        """Record what the scrubber finds in ``values``; called by validation only."""
        private = self.__pydantic_private__
        assert private is not None, "the model declares a private attribute"
        checked = private.get("_checked")
        if checked is None or checked[0] != id(self):  # a model in a field is seen again
            private["_checked"] = (id(self), inspect(values))

    def validated(self: _Self) -> _Self:
        """This object if validation built it, else a validated copy of its fields.

        Raises ``ValidationError`` when the fields break a rule (a ``float``
        amount, a failure without an ``ErrorCode`` …).
        """
        if self.inspection() is not None:
            return self
        fields = type(self).model_fields
        return type(self).model_validate(
            {name: getattr(self, name) for name in fields if hasattr(self, name)}
        )

    def inspection(self) -> Inspection | None:
        """What validation found in the free-form fields; ``None`` when this object
        was not built by validation (``model_construct``, ``model_copy``)."""
        private = getattr(self, "__pydantic_private__", None)
        checked: tuple[int, Inspection] | None = private.get("_checked") if private else None
        if checked is None or checked[0] != id(self):
            return None
        return checked[1]


__all__ = ["_Inspected", "_Model", "_check_free_form"]
