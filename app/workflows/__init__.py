"""The workflow engine: definitions as data (``definitions/*.yaml``), named guards, payload
schemas, a validator, and one ``transitions`` machine per definition version (``engine``).

Pure: no SQLAlchemy, no FastAPI (an import test keeps it so). The case service reads a case's
facts from the database, asks the engine, and writes what it answers.
"""
