"""The SQL store (`flashcards.store.Store`) seen through the study app's `Backend` interface."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.cards import Deck
from flashcards.errors import FlashcardsError
from flashcards.scheduler import ReviewState
from flashcards.session import DeckCounts, LogEntry, ReviewKind, in_decks, reviewed_today

if TYPE_CHECKING:
    from flashcards.config import Settings
    from flashcards.stats import Stats
    from flashcards.store import Store
    from flashcards.stored import RebuiltDecks
    from flashcards.syncplan import Progress


class StoreBackend:
    """Adapts a Store: each call is one store transaction, committed when it returns."""

    def __init__(
        self, store: Store, settings: Settings | None = None, roots: Sequence[Path] = ()
    ) -> None:
        self.store = store
        self.limits = getattr(settings, "limits", None)
        #: The deck files and folders synced: cards gone from them are marked removed.
        self.roots = [Path(r) for r in roots]
        self._total: tuple[date, DeckCounts] | None = None

    def sync(self, decks: Sequence[Deck], progress: Progress | None = None) -> None:
        roots = self.roots or sorted({d.path.parent for d in decks})
        self.store.sync(decks, [str(r) for r in roots], progress=progress)

    def counts(self, today: date, tag: str | None = None) -> dict[str, DeckCounts]:
        if tag is not None:
            return self._tagged_counts(today, tag)
        summary = self.store.due_summary(today, self.limits)
        counts = {name: DeckCounts(deck=name) for name in self.store.decks() if name}
        counts.update((c.deck, c) for c in summary.decks)
        self._total = (today, summary.total)
        return counts

    def _tagged_counts(self, today: date, tag: str) -> dict[str, DeckCounts]:
        """Today's queue of the cards with `tag`, counted by deck (due counts know no tags)."""
        counts = {name: DeckCounts(deck=name) for name in self.store.decks() if name}
        total = DeckCounts(deck="total")
        queue = self.store.queue(today, None, [tag], self.limits)
        for info in self.store.cards(queue).values():
            state, deck = info.state, info.deck
            if state.is_new:
                one = DeckCounts(new=1, deck=deck)
            elif reviewed_today(state, today):
                one = DeckCounts(repeat=1, deck=deck)  # a same-day repeat
            else:
                one = DeckCounts(review=1, deck=deck)
            counts[deck] = counts.get(deck, DeckCounts(deck=deck)) + one
            total = total + replace(one, deck="total")
        self._total = (today, total)
        return counts

    def total(self, today: date) -> DeckCounts:
        """Today's cards over every deck, within the global daily limits."""
        cached, self._total = self._total, None
        if cached is not None and cached[0] == today:
            return cached[1]  # read with the `counts` just before: one query, not two
        return self.store.due_summary(today, self.limits).total

    def queue(
        self, today: date, decks: Iterable[str] | None = None, tag: str | None = None
    ) -> tuple[list[str], list[str]]:
        chosen = list(decks) if decks else None
        queue = self.store.queue(today, chosen, [tag] if tag else None, self.limits)
        # A queued card already graded today is a same-day repeat.
        infos = self.store.cards(queue)
        graded = [c for c in queue if reviewed_today(infos[c].state, today)]
        return queue, graded

    def state(self, card_id: str) -> ReviewState:
        try:
            return self.store.state(card_id)
        except FlashcardsError as error:
            raise KeyError(card_id) from error

    def grade(
        self,
        card_id: str,
        grade: int,
        today: date,
        kind: ReviewKind,
        *,
        answer: str | None = None,
        verdict: str | None = None,
        seconds: float = 0.0,
    ) -> LogEntry:
        return self.store.grade(
            card_id,
            grade,
            now=datetime.now(UTC),
            today=today,
            kind=kind,
            typed=answer,
            verdict=verdict,
            seconds=seconds,
        )

    def undo(self, entry: LogEntry) -> None:
        # this card's grade: another window may have graded other cards since
        undone = self.store.undo_last(entry.study_day, entry.card_id)
        if undone is not None and undone != entry.card_id:
            raise FlashcardsError(f"undo reached {undone}, not {entry.card_id}")

    def suspend(self, card_id: str) -> None:
        self.store.suspend(card_id)

    def unsuspend(self, card_id: str) -> None:
        self.store.unsuspend(card_id)

    def bury(self, card_id: str, until: date) -> None:
        self.store.bury(card_id, until)

    def unbury(self, card_id: str) -> None:
        self.store.unbury(card_id)

    def add_accepted_answer(self, card_id: str, answer: str) -> bool:
        return self.store.add_accepted_answer(card_id, answer)

    def remove_accepted_answer(self, card_id: str, answer: str) -> None:
        self.store.remove_accepted_answer(card_id, answer)

    def accepted_answers(self, card_id: str) -> list[str]:
        return [a.text for a in self.store.accepted_answers(card_id)]

    def history(self, card_id: str) -> list[LogEntry]:
        return self.store.review_log(card_id)

    def due_count(self, day: date, decks: Sequence[str] | None = None) -> int:
        """Reviews and repeats due on `day`, in these decks and their sub-decks (None: all),
        within the daily limits."""
        summary = self.store.due_summary(day, self.limits)
        total = summary.total.review + summary.total.repeat
        if decks is None:
            return total
        return min(
            total, sum(c.review + c.repeat for c in summary.decks if in_decks(c.deck, decks))
        )

    def stats(self, today: date, deck: str | None = None) -> Stats:
        """Every statistic of the Stats screen (computed in SQL; slow on a large collection:
        the screen asks from a worker thread)."""
        from flashcards.stats import compute_stats

        return compute_stats(self.store, today, deck)

    def scheduler(self, deck: str) -> str:
        return self.store.scheduling.for_deck(deck)

    def decks_elsewhere(self, loaded: Sequence[Deck]) -> RebuiltDecks:
        from flashcards.stored import rebuild_decks
        from flashcards.syncplan import deck_path

        return rebuild_decks(self.store.stored_decks([deck_path(d) for d in loaded]))

    def new_waiting(
        self, today: date, decks: Iterable[str] | None = None, tag: str | None = None
    ) -> int:
        """New cards of these decks that today's queue leaves out for the daily new-card
        limits (the queue with no such limit, less today's queue)."""
        from dataclasses import replace

        from flashcards.config import Limits

        chosen = list(decks) if decks else None
        tags = [tag] if tag else None
        limits = self.limits or Limits()
        unlimited = replace(
            limits,
            new_per_day=_NO_LIMIT,
            per_deck=tuple((d, replace(dl, new_per_day=None)) for d, dl in limits.per_deck),
        )
        everything = self.store.queue(today, chosen, tags, unlimited)
        return len(everything) - len(self.store.queue(today, chosen, tags, self.limits))

    def allow_more_new(self, count: int) -> None:
        """Raise today's new-card limits by `count` for this backend only (the app's run):
        Anki's "more new cards today" custom study; the settings stay as they are."""
        from dataclasses import replace

        from flashcards.config import Limits

        limits = self.limits or Limits()
        self.limits = replace(
            limits,
            new_per_day=limits.new_per_day + count,
            per_deck=tuple(
                (
                    d,
                    dl
                    if dl.new_per_day is None
                    else replace(dl, new_per_day=dl.new_per_day + count),
                )
                for d, dl in limits.per_deck
            ),
        )
        self._total = None


#: A new-card limit no collection reaches.
_NO_LIMIT = 10**9
