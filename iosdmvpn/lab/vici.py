"""Minimal strongSwan VICI client (stdlib only) to list SAs of one node's charon.

Parsing ``swanctl --list-sas`` text would work too, but VICI gives structured data and
needs no process start (slow under TCG).  Wire format, per the strongSwan vici docs:
a 32-bit big-endian length, then a packet type byte, a name (length byte + bytes) for
named packet types, and a message made of typed elements.
"""

from __future__ import annotations

import socket
import struct
from pathlib import Path
from typing import Any

# packet types
CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN = 0, 1, 2
EVENT_REGISTER, EVENT_UNREGISTER, EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = 3, 4, 5, 6, 7
_NAMED = {CMD_REQUEST, EVENT_REGISTER, EVENT_UNREGISTER, EVENT}
# message element types
SECTION_START, SECTION_END, KEY_VALUE, LIST_START, LIST_ITEM, LIST_END = 1, 2, 3, 4, 5, 6

Message = dict[str, Any]


class ViciError(RuntimeError):
    pass


def encode_message(msg: Message) -> bytes:
    out = bytearray()

    def name(n: str) -> bytes:
        b = n.encode()
        return bytes([len(b)]) + b

    def value(v: Any) -> bytes:
        b = v if isinstance(v, bytes) else str(v).encode()
        return struct.pack("!H", len(b)) + b

    def section(m: Message) -> None:
        for k, v in m.items():
            if isinstance(v, dict):
                out.extend(bytes([SECTION_START]) + name(k))
                section(v)
                out.append(SECTION_END)
            elif isinstance(v, list):
                out.extend(bytes([LIST_START]) + name(k))
                for item in v:
                    out.extend(bytes([LIST_ITEM]) + value(item))
                out.append(LIST_END)
            else:
                out.extend(bytes([KEY_VALUE]) + name(k) + value(v))

    section(msg)
    return bytes(out)


def decode_message(data: bytes) -> Message:
    root: Message = {}
    stack: list[Message] = [root]
    current_list: list[str] | None = None
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise ViciError("truncated VICI message")
        chunk = data[pos : pos + n]
        pos += n
        return chunk

    def name() -> str:
        return take(take(1)[0]).decode(errors="replace")

    def value() -> str:
        (n,) = struct.unpack("!H", take(2))
        return take(n).decode(errors="replace")

    while pos < len(data):
        kind = take(1)[0]
        if kind == SECTION_START:
            new: Message = {}
            stack[-1][name()] = new
            stack.append(new)
        elif kind == SECTION_END:
            if len(stack) == 1:
                raise ViciError("unbalanced section end")
            stack.pop()
        elif kind == KEY_VALUE:
            k = name()
            stack[-1][k] = value()
        elif kind == LIST_START:
            current_list = []
            stack[-1][name()] = current_list
        elif kind == LIST_ITEM:
            if current_list is None:
                raise ViciError("list item outside a list")
            current_list.append(value())
        elif kind == LIST_END:
            current_list = None
        else:
            raise ViciError(f"unknown VICI element type {kind}")
    return root


class ViciClient:
    def __init__(self, socket_path: Path | str, timeout: float = 10.0) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(str(socket_path))
        except OSError as exc:
            self.sock.close()
            raise ViciError(f"{socket_path}: {exc}") from exc

    def __enter__(self) -> ViciClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def _send(self, ptype: int, name: str | None = None, msg: Message | None = None) -> None:
        body = bytes([ptype])
        if ptype in _NAMED:
            n = (name or "").encode()
            body += bytes([len(n)]) + n
        if msg:
            body += encode_message(msg)
        self.sock.sendall(struct.pack("!I", len(body)) + body)

    def _recv_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ViciError("VICI connection closed")
            buf += chunk
        return bytes(buf)

    def _recv(self) -> tuple[int, str | None, Message]:
        (length,) = struct.unpack("!I", self._recv_exact(4))
        data = self._recv_exact(length)
        ptype, pos = data[0], 1
        name = None
        if ptype in _NAMED:
            n = data[pos]
            name = data[pos + 1 : pos + 1 + n].decode(errors="replace")
            pos += 1 + n
        return ptype, name, decode_message(data[pos:])

    def request(self, command: str, msg: Message | None = None) -> Message:
        self._send(CMD_REQUEST, command, msg)
        ptype, _, reply = self._recv()
        if ptype == CMD_UNKNOWN:
            raise ViciError(f"unknown VICI command {command!r}")
        if ptype != CMD_RESPONSE:
            raise ViciError(f"unexpected VICI packet type {ptype}")
        return reply

    def streamed(self, command: str, event: str, msg: Message | None = None) -> list[Message]:
        """Run a command that answers with a stream of events (e.g. list-sas/list-sa)."""
        self._send(EVENT_REGISTER, event)
        ptype, _, _ = self._recv()
        if ptype != EVENT_CONFIRM:
            raise ViciError(f"cannot register for VICI event {event!r} (type {ptype})")
        self._send(CMD_REQUEST, command, msg)
        events: list[Message] = []
        while True:
            ptype, name, body = self._recv()
            if ptype == EVENT and name == event:
                events.append(body)
            elif ptype == CMD_RESPONSE:
                break
            elif ptype == CMD_UNKNOWN:
                raise ViciError(f"unknown VICI command {command!r}")
        self._send(EVENT_UNREGISTER, event)
        self._recv()
        return events

    def list_sas(self) -> list[Message]:
        """One dict per IKE SA (the connection name key is flattened into ``name``)."""
        sas: list[Message] = []
        for ev in self.streamed("list-sas", "list-sa"):
            for conn, sa in ev.items():
                if isinstance(sa, dict):
                    sas.append({"name": conn, **sa})
        return sas
