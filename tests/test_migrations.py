"""Migrations run both ways on every backend, and the models match the migrated schema."""

from alembic import command
from sqlalchemy import inspect

from app import migrations
from app.db import make_engine

TABLES = {
    "organs", "units", "unit_organs", "people", "memberships", "positions", "api_keys",
    "workflow_definitions", "cases", "assessment_revisions", "case_events",
    "matter_types", "delegation_orders", "delegation_entries", "reportable_decisions",
    "recusals", "absences", "subdelegations", "idempotency_keys", "diary_series",
    "case_documents", "external_references", "import_jobs", "import_rows",
}  # fmt: skip


def test_upgrade_downgrade_upgrade(backend, databases):
    engine = make_engine(databases(backend))
    try:
        migrations.upgrade(engine)
        assert migrations.current_revision(engine) == migrations.head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES

        migrations.downgrade(engine, "base")
        assert migrations.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrations.upgrade(engine)
        assert migrations.current_revision(engine) == migrations.head_revision()
    finally:
        engine.dispose()


def test_models_have_no_drift_from_migrations(engine):
    with engine.begin() as connection:
        command.check(migrations.alembic_config(str(engine.url), connection))
