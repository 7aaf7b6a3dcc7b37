"""The tamper-evident trail: the hash chain over case events and its verification."""
