"""What a check says about an answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """The outcome of checking one answer."""

    CORRECT = "correct"
    WRONG_FORM = "wrong_form"
    WRONG = "wrong"
    UNREADABLE = "unreadable"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The checker's answer: the status, a message for the learner, and how the input was read."""

    accepted: bool
    status: Status
    feedback: str
    #: The answer as it was read, with a dot for every product (`2·x/(3·y)`); "" if unreadable.
    reading: str = ""
    #: A hint when a common slip explains a wrong answer.
    hint: str | None = None
    #: 0-based position in the typed text of what could not be read.
    error_position: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The verdict as JSON-ready data."""
        return {
            "accepted": self.accepted,
            "status": str(self.status),
            "feedback": self.feedback,
            "reading": self.reading,
            "hint": self.hint,
            "error_position": self.error_position,
        }


def verdict(
    status: Status,
    feedback: str,
    reading: str = "",
    hint: str | None = None,
    error_position: int | None = None,
) -> Verdict:
    """A verdict whose `accepted` follows from its status."""
    return Verdict(status is Status.CORRECT, status, feedback, reading, hint, error_position)
