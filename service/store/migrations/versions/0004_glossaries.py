"""Glossaries, their immutable versions, and proposals awaiting review.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossaries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "glossary_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("glossary_id", sa.Integer(), sa.ForeignKey("glossaries.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("glossary_id", "number"),
    )
    op.create_table(
        "glossary_proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("glossary_id", sa.Integer(), sa.ForeignKey("glossaries.id"), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("result_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_glossary_proposals_glossary_id", "glossary_proposals", ["glossary_id"])


def downgrade() -> None:
    op.drop_index("ix_glossary_proposals_glossary_id", table_name="glossary_proposals")
    op.drop_table("glossary_proposals")
    op.drop_table("glossary_versions")
    op.drop_table("glossaries")
