"""Styrkedja: the chain of governance, from proposed measure to follow-up, with who may act
at each step."""
