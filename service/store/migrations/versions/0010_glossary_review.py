"""Glossary review: background jobs, proposal decisions (approver, reason, impact job),
version authorship, a glossary per API key, and which glossary version made stored English.

Revision ID: 0010_glossary_review
Revises: 0009_alignments_tm
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_glossary_review"
down_revision = "0009_alignments_tm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("cancel", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_state", "jobs", ["state"])
    with op.batch_alter_table("glossary_proposals") as batch:
        batch.add_column(sa.Column("approver", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("impact_job_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("n_concepts", sa.Integer(), nullable=True))
    op.create_index(
        "ix_glossary_proposals_glossary_id_status",
        "glossary_proposals",
        ["glossary_id", "status"],
    )
    with op.batch_alter_table("glossary_versions") as batch:
        batch.add_column(sa.Column("author", sa.String(200), nullable=True))
        batch.add_column(sa.Column("approver", sa.String(200), nullable=True))
        batch.add_column(sa.Column("n_concepts", sa.Integer(), nullable=True))
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("glossary", sa.String(100), nullable=True))
    with op.batch_alter_table("translations") as batch:
        batch.add_column(sa.Column("glossary_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("glossary_number", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_translations_glossary_name_number",
        "translations",
        ["glossary_name", "glossary_number"],
    )


def downgrade() -> None:
    op.drop_index("ix_translations_glossary_name_number", "translations")
    with op.batch_alter_table("translations") as batch:
        batch.drop_column("stale")
        batch.drop_column("glossary_number")
        batch.drop_column("glossary_name")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("glossary")
    with op.batch_alter_table("glossary_versions") as batch:
        batch.drop_column("n_concepts")
        batch.drop_column("approver")
        batch.drop_column("author")
    op.drop_index("ix_glossary_proposals_glossary_id_status", "glossary_proposals")
    with op.batch_alter_table("glossary_proposals") as batch:
        batch.drop_column("n_concepts")
        batch.drop_column("impact_job_id")
        batch.drop_column("reason")
        batch.drop_column("approver")
    op.drop_index("ix_jobs_state", "jobs")
    op.drop_table("jobs")
