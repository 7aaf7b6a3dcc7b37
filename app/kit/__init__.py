"""Domain-free helpers: clock, hashing, pagination. Nothing here knows about municipalities."""
