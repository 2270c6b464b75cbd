"""Vietnamese-French pairs found on each document.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("vi", sa.JSON(), nullable=False),
        sa.Column("fr", sa.JSON(), nullable=False),
        sa.Column("fr_focus", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.UniqueConstraint("document_id", "idx"),
    )
    op.create_index("ix_pairs_document_id", "pairs", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_pairs_document_id", table_name="pairs")
    op.drop_table("pairs")
