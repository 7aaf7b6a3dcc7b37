"""Is a consequence assessment complete for its level? Pure: content in, missing fields out.

The content is a mapping as the case officer wrote it; the rules come from the definition's
assessment configuration (BRIEF §7), so a municipality can demand more without new code.
"""

from collections.abc import Mapping
from typing import Any

from app.workflows.definition import AssessmentConfig


def _present(value: Any) -> bool:
    """Given, and not blank. ``False`` and ``0`` are answers ("no children are affected")."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def missing_fields(config: AssessmentConfig, level: str, content: Mapping[str, Any]) -> list[str]:
    """Dotted paths of what the level requires and the content lacks, in a stable order."""
    rules = config.levels[level]
    missing = [name for name in rules.required if not _present(content.get(name))]
    if not rules.perspective_fields:
        return missing
    perspectives = content.get("perspectives")
    perspectives = perspectives if isinstance(perspectives, Mapping) else {}
    for perspective in config.perspectives:
        given = perspectives.get(perspective.key)
        given = given if isinstance(given, Mapping) else {}
        for name in (*rules.perspective_fields, *perspective.extra_fields):
            if not _present(given.get(name)):
                missing.append(f"perspectives.{perspective.key}.{name}")
    return missing
