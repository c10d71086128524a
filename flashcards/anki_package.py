"""An Anki package's collection, read with the standard library (and a zstd module).

A `.colpkg`, or an `.apkg`, is a zip holding the collection as SQLite, either plain
(`collection.anki21`, `collection.anki2`) or zstd-compressed (`collection.anki21b`, Anki's
default since 2.1.50). Both readers of packages use this: `flashcards.anki_import` (the review
log) and `flashcards.apkg` (the notes, as decks).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from flashcards.errors import FlashcardsError

#: Collection files in an Anki package, preferred first (newer packages also hold an old-format
#: placeholder that only says to update Anki).
COLLECTION_FILES = ("collection.anki21b", "collection.anki21", "collection.anki2")

#: Refuse collections larger than this once decompressed (a guard against zip bombs).
MAX_COLLECTION_BYTES = 2 * 1024**3

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def zstd_decompress(data: bytes, limit: int = MAX_COLLECTION_BYTES) -> bytes:
    """Decompress a zstd frame with whichever zstd module is installed, at most `limit` bytes
    (more is refused: a small file that unpacks to gigabytes is a zip bomb)."""
    decompress = None
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+

        def decompress(data: bytes) -> bytes:
            return zstd.ZstdDecompressor().decompress(data, max_length=limit + 1)

    except ImportError:
        try:
            import zstandard  # type: ignore[import-not-found]

            def decompress(data: bytes) -> bytes:
                import io

                reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data))
                with reader:
                    return reader.read(limit + 1)

        except ImportError:
            pass
    if decompress is not None:
        try:
            out = bytes(decompress(data))
        except Exception as error:  # each module has its own error type
            raise FlashcardsError(f"the compressed collection is damaged ({error})") from None
        if len(out) > limit:
            raise FlashcardsError(
                f"a compressed file in the package unpacks to more than {limit // 1024**2} MB; "
                "refused (a damaged or hostile package)"
            )
        return out
    raise FlashcardsError(
        "this Anki export is in the compressed format of Anki 2.1.50 and later; export it "
        'again with "Support older Anki versions" ticked, or install the `zstandard` package'
    )


def collection_bytes(path: Path) -> tuple[bytes, str]:
    """The SQLite collection inside an Anki package, and the name of the file it came from."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise FlashcardsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FlashcardsError(f"{path} is a folder, not an Anki export") from None
    except zipfile.BadZipFile:
        raise FlashcardsError(f"{path}: not an Anki export (.colpkg or .apkg)") from None
    except OSError as error:
        raise FlashcardsError(f"{path}: cannot read it: {error.strerror or error}") from None
    with archive:
        names = set(archive.namelist())
        name = next((n for n in COLLECTION_FILES if n in names), None)
        if name is None:
            raise FlashcardsError(f"{path}: no Anki collection inside; is it an Anki export?")
        info = archive.getinfo(name)
        if info.file_size > MAX_COLLECTION_BYTES:
            raise FlashcardsError(f"{path}: the collection is too large to import")
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise FlashcardsError(f"{path}: the file is damaged ({error})") from None
    if data.startswith(_ZSTD_MAGIC):
        data = zstd_decompress(data, MAX_COLLECTION_BYTES)
    if not data.startswith(b"SQLite format 3\x00"):
        raise FlashcardsError(f"{path}: the collection inside is damaged (not an SQLite file)")
    return data, name
