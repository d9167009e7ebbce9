"""The base of every model node: frozen, strict, and carrying where it came from."""

# No `from __future__ import annotations` here: pydantic would compile and evaluate each
# field annotation from its string at import, a few ms of every start-up over the model.

from pydantic import BaseModel, ConfigDict, Field

from iosdmvpn.source import Span


class IosNode(BaseModel):
    """A piece of configuration with its source span.

    ``spans`` maps a field name to the span of the command that set it, so a check
    about one setting (say ``bandwidth``) points at that command rather than at the
    stanza header. :meth:`at` falls back to the node's own span.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span = Field(repr=False)
    spans: dict[str, Span] = Field(default_factory=dict, repr=False)

    def at(self, field: str) -> Span:
        """Span of the command that set ``field``, else of this node."""
        return self.spans.get(field, self.span)
