"""One line of a person's timeline."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    text: str
    detail: str = ""
    warning: str = ""
