"""Where findings point: span helpers shared by the rule families.

A finding about a *missing* command points at the header of the stanza it belongs in (one
line, not the whole stanza); a finding about a setting points at the command that set it,
else at that header. The rule modules take these spans from here (``header_span`` also via
:mod:`iosdmvpn.checks.facts`), so that two rules never point at different places for the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

from iosdmvpn.model.base import IosNode
from iosdmvpn.model.interface import Interface
from iosdmvpn.model.routing import BgpNeighbor
from iosdmvpn.source import Span

__all__ = ["at_or_header", "bgp_neighbor_span", "field_or", "first_line", "header_line", "header_span",
           "named_header"]


def header_line(node: IosNode, text: str) -> Span:
    """A one-line span on a stanza's header line, ``text`` wide (the node span runs to its last line)."""
    s = node.span
    return Span(path=s.path, line=s.line, column=s.column, end_line=s.line, end_column=s.column + len(text))


def named_header(node: IosNode, text: str) -> Span:
    """The stanza's name as the parser recorded it, else :func:`header_line` ``text`` wide."""
    if "name" in node.spans:
        return node.spans["name"]
    return header_line(node, text)


def header_span(iface: Interface) -> Span:
    """A one-line span on the ``interface X`` header: where missing-command findings point."""
    return named_header(iface, f"interface {iface.name}")


def first_line(span: Span) -> Span:
    """The first line of a (possibly multi-line stanza) span, one column wide."""
    if span.end_line == span.line:
        return span
    # model_construct: the fields come from a validated span, and this runs once per tunnel.
    return Span.model_construct(path=span.path, line=span.line, column=span.column, end_line=span.line,
                                end_column=span.column + 1)


def field_or(node: IosNode | None, field: str, fallback: Callable[[], Span]) -> Span:
    """The command that set ``field`` on ``node``, else ``fallback()`` (only built when needed)."""
    if node is not None and field in node.spans:
        return node.spans[field]
    return fallback()


def at_or_header(iface: Interface, node: IosNode | None, field: str) -> Span:
    """The command that set ``field`` on ``node`` (the interface or one of its blocks), else its header."""
    return field_or(node, field, lambda: header_span(iface))


def bgp_neighbor_span(n: BgpNeighbor, field: str) -> Span:
    """The ``neighbor X <field>`` command, else ``neighbor X remote-as``, else the neighbour's first line."""
    return n.spans.get(field) or n.spans.get("remote_as") or n.span
