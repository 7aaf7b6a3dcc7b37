"""A webhook subscription's previous signing secret, kept while its receiver changes over.

After a rotation, deliveries are signed with the new secret and, until
previous_secret_until, with the previous one too (Standard Webhooks: several signatures in one
header), so a receiver verifies throughout while it takes the new secret into use. Both columns
are empty when no changeover is under way. No index: they are read with their subscription.

Revision ID: 20261129_0016
Revises: 20261128_0015
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_0016"
down_revision: str | None = "20261128_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_secret", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("previous_secret_until", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("previous_secret_until")
        batch_op.drop_column("previous_secret")
