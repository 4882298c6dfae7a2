"""The daemon's stderr log (`ts=… level=… msg=<event> key=value …`, values with spaces,
quotes or `=` quoted) as events, and waits for them — observable points to wait on
instead of fixed sleeps."""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass

from .util import wait_until

_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


@dataclass
class Event:
    index: int  # position among all parsed lines of the log (stable as the log only grows)
    time: float  # the `ts` field as epoch seconds (the daemon's wall clock)
    level: str
    msg: str
    fields: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    def get(self, key: str, default=None):
        return self.fields.get(key, default)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), value[1:-1])
    return value


def parse_ts(value: str) -> float:
    """`2026-12-03T08:12:36.650539291Z` → epoch seconds."""
    whole, _, fraction = value.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    return seconds + (float("0." + fraction) if fraction else 0.0)


def parse(text: str) -> list[Event]:
    events = []
    for line in text.splitlines():
        pairs = {key: _unquote(value) for key, value in _FIELD.findall(line)}
        if "msg" in pairs and "ts" in pairs:
            fields = {k: v for k, v in pairs.items() if k not in ("ts", "level", "msg")}
            events.append(Event(len(events), parse_ts(pairs["ts"]), pairs.get("level", ""), pairs["msg"], fields))
    return events


def events(daemon, msg: str | None = None, after: int = -1, **fields) -> list[Event]:
    """Events of `daemon`'s log (optionally only `msg`, fields equal to the given values,
    and index > `after`)."""
    out = []
    for event in parse(daemon.log()):
        if event.index <= after or (msg is not None and event.msg != msg):
            continue
        if all(event.fields.get(key) == str(value) for key, value in fields.items()):
            out.append(event)
    return out


def mark(daemon) -> int:
    """Index of the last event logged so far (pass as `after=` to see only later ones)."""
    parsed = parse(daemon.log())
    return parsed[-1].index if parsed else -1


def wait_event(daemon, msg: str, after: int = -1, timeout: float = 20.0, count: int = 1, **fields) -> Event:
    """Waits until `count` matching events were logged after `after`; returns the last of them."""
    def found():
        matches = events(daemon, msg, after=after, **fields)
        return matches[count - 1] if len(matches) >= count else None

    try:
        return wait_until(found, timeout=timeout, interval=0.05, message=f"log event {msg} {fields} (#{count})")
    except AssertionError as error:
        tail = "\n".join(daemon.log().splitlines()[-30:])
        raise AssertionError(f"{error}\n--- daemon log (tail) ---\n{tail}") from None
