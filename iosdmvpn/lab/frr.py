"""Tiny client for FRR daemons' vty unix sockets.

vtysh costs about a second per call under TCG (process start + library loading), and the
checks poll a lot, so show commands go straight to ``<run>/frr/<daemon>.vty`` using the
same framing vtysh uses: the command NUL-terminated, the answer ending in three NULs
followed by a status byte (0 = success).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

CMD_SUCCESS = 0
CMD_WARNING = 1  # nhrpd answers empty JSON tables with this


class VtyError(RuntimeError):
    pass


def vty_session(sock_path: Path, commands: list[str], timeout: float = 10.0) -> list[tuple[int, str]]:
    """Run commands on one connection (a new connection starts in VIEW node; send "enable" first
    for debug/clear commands)."""
    answers: list[tuple[int, str]] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(str(sock_path))
            for command in commands:
                s.sendall(command.encode() + b"\0")
                buf = bytearray()
                while not (len(buf) >= 4 and buf[-4:-1] == b"\0\0\0"):
                    chunk = s.recv(65536)
                    if not chunk:
                        raise VtyError(f"{sock_path}: connection closed before end of answer")
                    buf += chunk
                answers.append((buf[-1], buf[:-4].decode(errors="replace")))
        except OSError as exc:
            raise VtyError(f"{sock_path}: {exc}") from exc
    return answers


def vty_query(sock_path: Path, command: str, timeout: float = 10.0) -> tuple[int, str]:
    return vty_session(sock_path, [command], timeout)[0]


class FrrNode:
    """Show-command access to one device's daemons (``run_dir`` is the node's private /run)."""

    def __init__(self, run_dir: Path) -> None:
        self.sock_dir = run_dir / "frr"

    def has(self, daemon: str) -> bool:
        return (self.sock_dir / f"{daemon}.vty").exists()

    def show(self, daemon: str, command: str) -> str:
        status, text = vty_query(self.sock_dir / f"{daemon}.vty", command)
        if status not in (CMD_SUCCESS, CMD_WARNING):
            raise VtyError(f"{daemon}: {command!r} -> status {status}: {text.strip()}")
        return text

    def show_json(self, daemon: str, command: str) -> Any:
        text = self.show(daemon, command + " json")
        try:
            return json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise VtyError(f"{daemon}: {command!r}: bad JSON ({exc}): {text[:200]!r}") from exc
