"""Benchmarks of Styrkedja: runnable scripts that print figures, never tests.

Each benchmark runs the real service (uvicorn in a subprocess, a fresh PostgreSQL database with the
demo municipality) and loads it from 127.0.0.1 only. Nothing here asserts a speed: the figures
depend on the machine, so they are printed for a person to read, not checked by ``pytest`` (which
does not collect this package). Run them with ``python -m bench`` (all) or
``python -m bench NAME`` (one); ``python -m bench --help`` lists them.
"""
