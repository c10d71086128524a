"""FSRS in the store: fitted parameters, the scheduler settings in force, and the switch.

A card's state under either scheduler is the replay of its kept review rows
(`flashcards.schedulers.replay`), so a change of scheduler is a replay of the cards whose
scheduler changed. The scheduler settings the states were computed with are kept in
`collection_meta`; opening a collection compares them with the settings in force (one small
query) and replays only when they differ, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING

import sqlalchemy as sa

from flashcards.config import Scheduling, nearest
from flashcards.store.tables import (
    CARDS,
    FSRS_PARAMETERS,
    LOG,
    META,
    chunks,
    memory_values,
    state_values,
)

if TYPE_CHECKING:
    from flashcards.fsrs_model import FsrsSettings

#: The `collection_meta` key of the scheduler settings the cards' states were computed with.
SCHEDULING_KEY = "scheduling"


@dataclass(frozen=True, slots=True)
class FittedParameters:
    """FSRS parameters fitted to a deck's reviews ("" for the whole collection)."""

    deck: str
    parameters: tuple[float, ...]
    fitted_on: date
    #: Reviews the fit used.
    reviews: int
    #: Log loss of the parameters on those reviews (None when not measured).
    log_loss: float | None = None


def fitted_parameters(conn: sa.Connection) -> dict[str, FittedParameters]:
    """Every stored fit, by deck."""
    return {
        r.deck: FittedParameters(
            r.deck, tuple(json.loads(r.parameters)), r.fitted_on, r.reviews, r.log_loss
        )
        for r in conn.execute(sa.select(FSRS_PARAMETERS))
    }


def save_parameters(conn: sa.Connection, fitted: FittedParameters) -> None:
    """Store a fit, replacing the deck's previous one."""
    conn.execute(sa.delete(FSRS_PARAMETERS).where(FSRS_PARAMETERS.c.deck == fitted.deck))
    conn.execute(
        sa.insert(FSRS_PARAMETERS).values(
            deck=fitted.deck,
            parameters=json.dumps(list(fitted.parameters)),
            fitted_on=fitted.fitted_on,
            reviews=fitted.reviews,
            log_loss=fitted.log_loss,
        )
    )


def parameters_for(fitted: Mapping[str, FittedParameters], deck: str) -> FittedParameters | None:
    """The fit for `deck`: its own, its nearest parent's, the collection's, or None."""
    return nearest(fitted, deck, fitted.get(""))


def _encode(scheduling: Scheduling) -> str:
    return json.dumps(
        {"scheduler": scheduling.scheduler, "decks": dict(scheduling.per_deck)}, sort_keys=True
    )


def stored_scheduling(conn: sa.Connection) -> Scheduling:
    """The scheduler settings the cards' states were computed with (SM-2 when never set)."""
    value = conn.execute(sa.select(META.c.value).where(META.c.key == SCHEDULING_KEY)).scalar()
    if value is None:
        return Scheduling()
    doc = json.loads(value)
    return Scheduling(doc["scheduler"], tuple(sorted(doc["decks"].items())))


def write_scheduling(conn: sa.Connection, scheduling: Scheduling) -> None:
    conn.execute(sa.delete(META).where(META.c.key == SCHEDULING_KEY))
    conn.execute(sa.insert(META).values(key=SCHEDULING_KEY, value=_encode(scheduling)))


def same_schedulers(a: Scheduling, b: Scheduling) -> bool:
    """Whether every deck has the same scheduler under `a` and `b` as configured."""
    return _encode(a) == _encode(b)


_UPDATE = sa.update(CARDS).where(CARDS.c.id == sa.bindparam("cid"))


def replay_cards(
    conn: sa.Connection,
    card_ids: list[str],
    fsrs_for: Callable[[str], FsrsSettings | None],
    decks: Mapping[str, str],
) -> int:
    """Recompute these cards' states (and FSRS memory) from their logs; returns the count.

    A card with no kept review row keeps its state (it may be an imported one).
    """
    from flashcards.schedulers import replay

    done = 0
    for chunk in chunks(card_ids):
        rows = conn.execute(
            sa.select(LOG.c.card_id, LOG.c.kind, LOG.c.grade, LOG.c.study_day, LOG.c.undone)
            .where(LOG.c.card_id.in_(chunk))
            .order_by(LOG.c.card_id, LOG.c.id)
        ).all()
        updates = []
        for card_id, card_rows in groupby(rows, key=lambda r: r.card_id):
            kept = [r for r in card_rows if r.kind == "review" and not r.undone]
            if not kept:
                continue
            state, memory = replay(kept, fsrs_for(decks[card_id]))
            updates.append({"cid": card_id, **state_values(state), **memory_values(memory)})
        if updates:
            conn.execute(_UPDATE, updates)
            done += len(updates)
    return done


def switch(
    conn: sa.Connection,
    new: Scheduling,
    fsrs_for: Callable[[str], FsrsSettings | None],
) -> int:
    """Replay the cards whose deck's scheduler differs between the stored settings and `new`,
    then store `new`; returns the number of cards replayed (0 at once when nothing changed)."""
    old = stored_scheduling(conn)
    if same_schedulers(old, new):
        return 0
    reviewed = sa.select(LOG.c.card_id).where(LOG.c.card_id == CARDS.c.id).exists()
    cards = conn.execute(sa.select(CARDS.c.id, CARDS.c.deck).where(reviewed)).all()
    decks = {r.id: r.deck for r in cards}
    changed = sorted(cid for cid, deck in decks.items() if old.for_deck(deck) != new.for_deck(deck))
    done = replay_cards(conn, changed, fsrs_for, decks)
    write_scheduling(conn, new)
    return done
