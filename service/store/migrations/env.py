"""Alembic environment: runs migrations on the engine handed over by ``store.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Engine

from service.store.db import Base

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        # Replicas starting together on one database migrate one at a time: the others wait
        # here, then find the schema at head (lock released when this transaction ends).
        connection.execute(text("SELECT pg_advisory_xact_lock(7207474111)"))
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
