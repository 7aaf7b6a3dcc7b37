"""Delegation orders (delegationsordningar): which decisions an organ has passed to whom, as
executable data, and the registry of matter types whose flags say what may not be delegated."""
