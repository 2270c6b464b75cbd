"""Documents ingested as HTML keep their markup (``document_html``).

Revision ID: 0008_document_html
Revises: 0007_suggestions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_document_html"
down_revision = "0007_suggestions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_html",
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("charset", sa.String(40), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_html")
