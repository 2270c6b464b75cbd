"""Pairs say how they were found (``basis``: headline, neighbour-caption, bead...).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pairs") as batch:
        batch.add_column(sa.Column("basis", sa.String(24), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("pairs") as batch:
        batch.drop_column("basis")
