"""The organisation: organs (the political chain), units (the administration), people and
their roles."""
