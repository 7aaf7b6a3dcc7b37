"""The workflow engine: definitions as data, named guards, machines built once per definition
version on ``transitions``. Pure: no SQLAlchemy, no FastAPI (an import test keeps it so).

The measure-handling flow itself arrives with the workflow issue (#3); until then this package holds
nothing else.
"""
