"""Alembic environment: migrations run on the connection the store hands over.

For maintainers, `alembic -x url=sqlite:///path revision --autogenerate -m "..."` also works
with `script_location` pointing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from flashcards.store.tables import METADATA

config = context.config
connection = config.attributes.get("connection")


def _run(conn: sa.Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=METADATA,
        # SQLite cannot ALTER most things: batch mode copies the table instead
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
