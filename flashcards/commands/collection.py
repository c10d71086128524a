"""Opening the collection for a command: the store, then the day's first backup."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.config import Settings
    from flashcards.store import Store

#: What opening the collection loads: the start-up modules of a command that opens it.
COLLECTION_MODULES = ("flashcards.store", "flashcards.backup")


def open_collection(settings: Settings, *, backup: bool = True) -> Store:
    """Open the collection the settings name and take the day's first backup.

    `backup=False` leaves the backup to the caller: the study app takes it once its first
    screen is drawn, and `backup`/`restore` take their own. A failing backup only warns
    (`flashcards.backup.daily_backup`).
    """
    from flashcards.store import Store

    store = Store.open(settings)
    if backup:
        from flashcards.backup import daily_backup

        try:
            daily_backup(store, settings)
        except BaseException:
            store.close()
            raise
    return store
