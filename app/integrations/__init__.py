"""Outside systems, one small module or class each, called only after the decisions are made."""
