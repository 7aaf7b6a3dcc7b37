"""Every rule and write of cases. Services flush, never commit."""
