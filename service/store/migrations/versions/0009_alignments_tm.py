"""Stored alignments (beads, cross-page pairs, imported TMX files) and their units: the
aligned corpus that TMX exports and the translation memory read.

Revision ID: 0009_alignments_tm
Revises: 0008_document_html
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_alignments_tm"
down_revision = "0008_document_html"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(500), nullable=True),
        sa.Column("src_lang", sa.String(35), nullable=False),
        sa.Column("tgt_lang", sa.String(35), nullable=False),
        sa.Column(
            "src_document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "tgt_document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("n_units", sa.Integer(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "src_document_id", "tgt_document_id"),
    )
    op.create_index("ix_alignments_src_document_id", "alignments", ["src_document_id"])
    op.create_index("ix_alignments_tgt_document_id", "alignments", ["tgt_document_id"])
    op.create_table(
        "alignment_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "alignment_id",
            sa.Integer(),
            sa.ForeignKey("alignments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("src_lang", sa.String(35), nullable=False),
        sa.Column("tgt_lang", sa.String(35), nullable=False),
        sa.Column("src_text", sa.Text(), nullable=False),
        sa.Column("tgt_text", sa.Text(), nullable=False),
        sa.Column("src_idx", sa.JSON(), nullable=False),
        sa.Column("tgt_idx", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("basis", sa.String(24), nullable=False),
        sa.Column("segtype", sa.String(16), nullable=False),
        sa.UniqueConstraint("alignment_id", "idx"),
    )
    op.create_index("ix_alignment_units_alignment_id", "alignment_units", ["alignment_id"])


def downgrade() -> None:
    op.drop_index("ix_alignment_units_alignment_id", table_name="alignment_units")
    op.drop_table("alignment_units")
    op.drop_index("ix_alignments_tgt_document_id", table_name="alignments")
    op.drop_index("ix_alignments_src_document_id", table_name="alignments")
    op.drop_table("alignments")
