"""Settings from the TOML file in the user's config folder, the environment and CLI options.

Precedence, highest first: command-line options (`--config`, `--data-dir`, `--db`), the
environment (`FLASHCARDS_CONFIG`, `FLASHCARDS_DATA_DIR`, `FLASHCARDS_DB`), the file, the
defaults. `parse_settings` is pure; `settings_from_args` is the shell that reads the file,
the environment and platformdirs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from flashcards.errors import FlashcardsError
from flashcards.session import DEFAULT_LEECH_THRESHOLD

APP_NAME = "flashcards"
CONFIG_FILE = "config.toml"
DB_FILE = "collection.sqlite3"
DURABILITIES = ("normal", "full")
#: The study day starts at this local time unless the file says otherwise.
DEFAULT_DAY_START = time(4, 0)
#: Daily backups kept unless the file says otherwise.
DEFAULT_BACKUPS_KEPT = 10
#: The schedulers a deck may use (`flashcards.schedulers.SCHEDULERS`, kept here so reading
#: the settings imports no scheduler); SM-2 is the default.
SCHEDULER_NAMES = ("sm2", "fsrs")
DEFAULT_SCHEDULER = "sm2"
#: FSRS's desired retention: the default and the range allowed.
DEFAULT_DESIRED_RETENTION = 0.9
RETENTION_RANGE = (0.70, 0.99)


@dataclass(frozen=True, slots=True)
class DeckLimits:
    """Daily limits set for one deck (and its sub-decks); None leaves the global one."""

    new_per_day: int | None = None
    reviews_per_day: int | None = None


_T = TypeVar("_T")


def nearest(table: Mapping[str, _T], deck: str, default: _T) -> _T:
    """What `table` sets for `deck` or its nearest parent (`a::b` is under `a`), else `default`.

    The one rule for every per-deck setting: limits, schedulers, FSRS fits.
    """
    name = deck
    while True:
        if name in table:
            return table[name]
        if "::" not in name:
            return default
        name = name.rpartition("::")[0]


@dataclass(frozen=True, slots=True)
class Limits:
    """How many new cards and reviews a day: globally, and per deck where set."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    #: (deck name, limits) pairs; a deck's limits also apply to each of its sub-decks.
    per_deck: tuple[tuple[str, DeckLimits], ...] = ()

    def for_deck(self, deck: str) -> DeckLimits:
        """The limits set for `deck` or its nearest configured parent (`a::b` is under `a`)."""
        return nearest(dict(self.per_deck), deck, DeckLimits())


@dataclass(frozen=True, slots=True)
class Scheduling:
    """Which scheduler each deck uses, and FSRS's desired retention."""

    #: "sm2" or "fsrs", for every deck without its own.
    scheduler: str = DEFAULT_SCHEDULER
    #: (deck name, scheduler) pairs; a deck's scheduler also applies to its sub-decks.
    per_deck: tuple[tuple[str, str], ...] = ()
    #: The probability of recall FSRS schedules each review for.
    desired_retention: float = DEFAULT_DESIRED_RETENTION

    def for_deck(self, deck: str) -> str:
        """The scheduler of `deck`: its own, its nearest configured parent's, or the default."""
        return nearest(dict(self.per_deck), deck, self.scheduler)

    @property
    def uses_fsrs(self) -> bool:
        """Whether any deck is scheduled by FSRS."""
        return self.scheduler == "fsrs" or any(s == "fsrs" for _, s in self.per_deck)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, gathered once and passed down."""

    data_dir: Path
    #: SQLAlchemy URL of the collection (default: SQLite in `data_dir`).
    db_url: str
    #: The TOML file read (or that would be read: it may not exist).
    config_path: Path
    #: Local time the study day starts: reviews before it count for the day before.
    day_start: time = DEFAULT_DAY_START
    limits: Limits = field(default_factory=Limits)
    #: Deck folders synced besides the built-in decks.
    deck_folders: tuple[Path, ...] = ()
    #: "normal": a grade survives the app being killed; "full": also a power loss.
    durability: str = "normal"
    #: Lapses that make a card a leech, which is then suspended (0: never).
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD
    #: Daily backups of the collection kept.
    backups_kept: int = DEFAULT_BACKUPS_KEPT
    #: Spread due dates by up to 5% of the interval (off by default).
    fuzz: bool = False
    #: The scheduler of each deck (SM-2 by default) and FSRS's desired retention.
    scheduling: Scheduling = field(default_factory=Scheduling)
    #: The password `flashcards serve` asks for (required off this machine's own address).
    serve_password: str | None = field(default=None, repr=False)
    #: Where each setting came from: "default", "file", "environment" or "option".
    origins: tuple[tuple[str, str], ...] = ()

    @property
    def db_path(self) -> Path | None:
        """The database file for a SQLite URL, else None."""
        return sqlite_path(self.db_url)

    def study_day(self, now: datetime) -> date:
        """The study day `now` (local time) belongs to."""
        return study_day(now, self.day_start)


def study_day(now: datetime, day_start: time = DEFAULT_DAY_START) -> date:
    """The study day of `now` in local time: before `day_start` it is still the day before."""
    shift = timedelta(hours=day_start.hour, minutes=day_start.minute, seconds=day_start.second)
    return (now - shift).date()


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///...` URL; None for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0]
    if rest.startswith("file:"):  # a URI filename (`?uri=true`), e.g. to open read-only
        rest = rest[len("file:") :]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


_TOP_KEYS = {
    "data_dir",
    "db",
    "day_start",
    "deck_folders",
    "durability",
    "leech_threshold",
    "backups_kept",
    "fuzz",
    "serve_password",
    "limits",
    "decks",
    "scheduler",
    "desired_retention",
}
_LIMIT_KEYS = {"new_per_day", "reviews_per_day"}
_DECK_KEYS = _LIMIT_KEYS | {"scheduler"}


def _fail(where: str, message: str) -> FlashcardsError:
    return FlashcardsError(f"{where}: {message}")


def _int(value: Any, where: str, key: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(where, f"`{key}` must be a whole number of at least {minimum}, not {value!r}")
    return value


def _day_start(value: Any, where: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(where, f'`day_start` must be a time like "04:00", not {value!r}')


def _limits(value: Any, where: str, key: str, allowed: set[str] = _LIMIT_KEYS) -> DeckLimits:
    if not isinstance(value, dict):
        raise _fail(where, f"`{key}` must be a table with new_per_day and reviews_per_day")
    unknown = set(value) - allowed
    if unknown:
        raise _fail(where, f"unknown key `{sorted(unknown)[0]}` in `{key}`")
    return DeckLimits(
        **{k: _int(v, where, f"{key}.{k}") for k, v in value.items() if k in _LIMIT_KEYS}
    )


def _scheduler(value: Any, where: str, key: str) -> str:
    if value not in SCHEDULER_NAMES:
        raise _fail(where, f'`{key}` must be "sm2" or "fsrs", not {value!r}')
    return str(value)


def _retention(value: Any, where: str) -> float:
    low, high = RETENTION_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(
            where, f"`desired_retention` must be a number from {low} to {high}, not {value!r}"
        )
    return float(value)


def parse_settings(
    toml_text: str | None,
    *,
    config_path: Path,
    default_data_dir: Path,
    env: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
    db: str | None = None,
    home: Path | None = None,
) -> Settings:
    """Settings from the file's text (None when there is no file), the environment and options.

    Relative paths in the file are relative to the file's folder; `~` is `home`.
    """
    env = env or {}
    where = str(config_path)
    doc: dict[str, Any] = {}
    if toml_text is not None:
        import tomllib  # not needed without a settings file

        try:
            doc = tomllib.loads(toml_text)
        except tomllib.TOMLDecodeError as error:
            raise _fail(where, f"not valid TOML: {error}") from None
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise _fail(where, f"unknown setting `{sorted(unknown)[0]}`")
    origins: dict[str, str] = {key: "file" for key in doc}

    def path_of(value: Any, key: str) -> Path:
        if not isinstance(value, str) or not value:
            raise _fail(where, f"`{key}` must be a path, not {value!r}")
        p = Path(value)
        if value.startswith("~") and home is not None:
            p = home / value[1:].lstrip("/\\")
        return p if p.is_absolute() else config_path.parent / p

    if data_dir is not None:
        chosen_dir, origins["data_dir"] = data_dir, "option"
    elif env.get("FLASHCARDS_DATA_DIR"):
        chosen_dir, origins["data_dir"] = Path(env["FLASHCARDS_DATA_DIR"]), "environment"
    elif "data_dir" in doc:
        chosen_dir = path_of(doc["data_dir"], "data_dir")
    else:
        chosen_dir, origins["data_dir"] = default_data_dir, "default"

    if db is not None:
        url, origins["db"] = db, "option"
    elif env.get("FLASHCARDS_DB"):
        url, origins["db"] = env["FLASHCARDS_DB"], "environment"
    elif "db" in doc:
        if not isinstance(doc["db"], str) or not doc["db"]:
            raise _fail(where, "`db` must be a database URL such as sqlite:///path/to/file")
        url = doc["db"]
    else:
        url, origins["db"] = sqlite_url(chosen_dir / DB_FILE), "default"
    if "://" not in url:
        raise _fail("database", f"{url!r} is not a database URL (like sqlite:///path/to/file)")

    limits_doc = doc.get("limits", {})
    base = _limits(limits_doc, where, "limits")
    decks_doc = doc.get("decks", {})
    if not isinstance(decks_doc, dict):
        raise _fail(where, '`decks` must hold tables like [decks."ml::probability"]')
    per_deck = tuple(
        (name, _limits(value, where, f"decks.{name}", _DECK_KEYS))
        for name, value in sorted(decks_doc.items())
        # a table that sets only the scheduler leaves the limits to its parents
        if not isinstance(value, dict) or set(value) & _LIMIT_KEYS or not value
    )
    scheduling = Scheduling(
        scheduler=_scheduler(doc.get("scheduler", DEFAULT_SCHEDULER), where, "scheduler"),
        per_deck=tuple(
            (name, _scheduler(value["scheduler"], where, f"decks.{name}.scheduler"))
            for name, value in sorted(decks_doc.items())
            if "scheduler" in value
        ),
        desired_retention=_retention(
            doc.get("desired_retention", DEFAULT_DESIRED_RETENTION), where
        ),
    )
    for key in ("new_per_day", "reviews_per_day"):
        set_in_file = isinstance(limits_doc, dict) and key in limits_doc
        origins[f"limits.{key}"] = "file" if set_in_file else "default"
    default = Limits()
    limits = Limits(
        new_per_day=default.new_per_day if base.new_per_day is None else base.new_per_day,
        reviews_per_day=(
            default.reviews_per_day if base.reviews_per_day is None else base.reviews_per_day
        ),
        per_deck=per_deck,
    )

    folders = doc.get("deck_folders", [])
    if not isinstance(folders, list):
        raise _fail(where, "`deck_folders` must be a list of paths")
    durability = doc.get("durability", "normal")
    if durability not in DURABILITIES:
        raise _fail(where, f'`durability` must be "normal" or "full", not {durability!r}')
    fuzz = doc.get("fuzz", False)
    if not isinstance(fuzz, bool):
        raise _fail(where, f"`fuzz` must be true or false, not {fuzz!r}")
    serve_password = doc.get("serve_password")
    if serve_password is not None and (not isinstance(serve_password, str) or not serve_password):
        raise _fail(where, "`serve_password` must be a non-empty string")
    for key in sorted(_TOP_KEYS - set(origins)):
        origins[key] = "default"
    return Settings(
        data_dir=chosen_dir,
        db_url=url,
        config_path=config_path,
        day_start=_day_start(doc.get("day_start", DEFAULT_DAY_START), where),
        limits=limits,
        deck_folders=tuple(path_of(f, "deck_folders") for f in folders),
        durability=durability,
        leech_threshold=_int(
            doc.get("leech_threshold", DEFAULT_LEECH_THRESHOLD), where, "leech_threshold"
        ),
        backups_kept=_int(doc.get("backups_kept", DEFAULT_BACKUPS_KEPT), where, "backups_kept"),
        fuzz=fuzz,
        scheduling=scheduling,
        serve_password=serve_password,
        origins=tuple(sorted(origins.items())),
    )


# --- shell: the file, the environment, platformdirs ---------------------------------------


def default_config_path() -> Path:
    """The TOML file in the user's config folder."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILE


def default_data_dir() -> Path:
    """The user's data folder for flashcards."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def load_settings(
    *,
    config: Path | None = None,
    data_dir: Path | None = None,
    db: str | None = None,
    env: Mapping[str, str] | None = None,
    may_be_missing: bool = False,
) -> Settings:
    """Settings from the config file, the environment (default `os.environ`) and options.

    A file that does not exist gives the defaults, unless `--config` named it (a typo there
    should not go unnoticed) and the caller does not allow that (`may_be_missing`: the
    `config` command, which says where the file would be and can create it).
    """
    env = os.environ if env is None else env
    if config is not None:
        path, origin = config, "option"
    elif env.get("FLASHCARDS_CONFIG"):
        path, origin = Path(env["FLASHCARDS_CONFIG"]), "environment"
    else:
        path, origin = default_config_path(), "default"
    try:
        text: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if origin == "option" and not may_be_missing:
            raise FlashcardsError(
                f"{path}: no such config file (`flashcards config --init --config {path}` "
                "writes one)"
            ) from None
        text = None
    except (OSError, UnicodeDecodeError) as error:
        raise FlashcardsError(f"{path}: cannot read the config file: {error}") from None
    settings = parse_settings(
        text,
        config_path=path,
        default_data_dir=default_data_dir(),
        env=env,
        data_dir=data_dir,
        db=db,
        home=Path.home(),
    )
    origins = {**dict(settings.origins), "config": origin}
    return replace(settings, origins=tuple(sorted(origins.items())))


def config_template(data_dir: Path) -> str:
    """A settings file with every key commented out at its default, for `config --init`."""
    limits = Limits()
    return f"""\
# flashcards settings. Every key is optional: remove the `# ` before a key to set it.
# Precedence: command-line options, then the environment, then this file, then the defaults.
# Relative paths are relative to this file's folder; `~` is your home folder.

# Local time the study day starts: reviews before it count for the day before.
# day_start = "{DEFAULT_DAY_START.strftime("%H:%M")}"

# Deck folders synced and studied besides the built-in decks, e.g. ["~/notes/decks"].
# deck_folders = []

# "normal": a grade survives the app being killed; "full": also a power loss (slower).
# durability = "normal"

# Lapses (grades below 3) that make a card a leech, which is then suspended; 0: never.
# leech_threshold = {DEFAULT_LEECH_THRESHOLD}

# Daily backups of the collection kept.
# backups_kept = {DEFAULT_BACKUPS_KEPT}

# Spread due dates by up to 5% of the interval, so cards learned together drift apart.
# fuzz = false

# The folder of the collection and its backups (or FLASHCARDS_DATA_DIR).
# data_dir = "{data_dir}"

# The database, a SQLAlchemy URL (or FLASHCARDS_DB); default: SQLite in data_dir.
# db = "{sqlite_url(data_dir / DB_FILE)}"

# Daily limits for all decks together.
# [limits]
# new_per_day = {limits.new_per_day}
# reviews_per_day = {limits.reviews_per_day}

# Limits for one deck and its sub-decks (the global limits still cap the total).
# [decks."ml::probability"]
# new_per_day = 10
"""


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options every command shares: --config, --data-dir and --db."""
    group = parser.add_argument_group("collection")
    group.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: config.toml in the user's config folder; "
        "or FLASHCARDS_CONFIG)",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="folder of the collection (default: the user's data folder; or FLASHCARDS_DATA_DIR)",
    )
    group.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: sqlite:///DATA_DIR/collection.sqlite3; or FLASHCARDS_DB)",
    )


def settings_from_args(args: argparse.Namespace, *, may_be_missing: bool = False) -> Settings:
    """Settings for a command run with the shared options."""
    return load_settings(
        config=getattr(args, "config", None),
        data_dir=getattr(args, "data_dir", None),
        db=getattr(args, "db", None),
        may_be_missing=may_be_missing,
    )
