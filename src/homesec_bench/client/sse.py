"""An incremental Server-Sent Events parser (the WHATWG event-stream format).

Bytes arrive in whatever pieces the network hands over: an event may be split anywhere, even inside a
UTF-8 sequence or between the CR and LF of a line end, and one read may hold many events. Lines are
therefore cut on raw bytes (CR and LF never occur inside a multi-byte UTF-8 sequence) and decoded only
when complete, so feeding the stream in any pieces gives exactly the events of feeding it at once.
Garbage never raises: undecodable bytes become U+FFFD and unknown fields are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class SSEEvent:
    event: str | None
    data: str


class SSEParser:
    def __init__(self) -> None:
        self._buffer = b""
        # A CR ending one read may be the first half of a CRLF; the LF opening the next read is then
        # part of the same line end, not an empty line.
        self._after_cr = False
        self._first_line = True
        self._data: list[str] = []
        self._data_chars = 0
        self._has_data = False
        self._event: str | None = None

    @property
    def pending(self) -> int:
        """Size of the event still being received: a client caps it, or one endless line (no line
        end ever comes, so no event completes) would grow without bound."""
        return len(self._buffer) + self._data_chars

    def feed(self, data: bytes) -> list[SSEEvent]:
        if not data:
            return []
        if self._after_cr:
            self._after_cr = False
            if data[:1] == b"\n":
                data = data[1:]
        buffer = self._buffer + data if self._buffer else data
        events: list[SSEEvent] = []
        start = 0
        for match in _LINE_END.finditer(buffer):
            self._line(buffer[start : match.start()], events)
            start = match.end()
        if start == len(buffer) and buffer[-1:] == b"\r":
            self._after_cr = True
        self._buffer = buffer[start:]
        return events

    def close(self) -> list[SSEEvent]:
        """End of stream. Unlike the spec, a last event without its blank line is still delivered:
        servers that close right after `data: [DONE]` are common and their final event is real."""
        events: list[SSEEvent] = []
        if self._buffer:
            self._line(self._buffer, events)
            self._buffer = b""
        self._after_cr = False
        self._dispatch(events)
        return events

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        line = raw.decode("utf-8", errors="replace")
        if self._first_line:
            self._first_line = False
            if line.startswith(_BOM):
                line = line[1:]
        if not line:
            self._dispatch(events)
            return
        if line[0] == ":":
            return
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._data_chars += len(value)
            self._has_data = True
        elif name == "event":
            self._event = value
        # `id` and `retry` only matter to a reconnecting EventSource, which a chat stream never is.

    def _dispatch(self, events: list[SSEEvent]) -> None:
        if self._has_data:
            events.append(SSEEvent(self._event or None, "\n".join(self._data)))
        self._data = []
        self._data_chars = 0
        self._has_data = False
        self._event = None
