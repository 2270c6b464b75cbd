"""Machine translations of stored segments, with provenance.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("segment_idx", sa.Integer(), nullable=False),
        sa.Column("src_lang", sa.String(16), nullable=False),
        sa.Column("tgt_lang", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("engine", sa.String(200), nullable=False),
        sa.Column("packages", sa.JSON(), nullable=False),
        sa.Column("pivot", sa.String(16), nullable=True),
        sa.Column("glossary_version", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "segment_idx", "tgt_lang"),
    )
    op.create_index("ix_translations_document_id", "translations", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_translations_document_id", table_name="translations")
    op.drop_table("translations")
