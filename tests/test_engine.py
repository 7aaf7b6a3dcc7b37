"""The engine's errors are logged: they name the statement, never the values it was given."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db import make_engine

VALUE = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_a_database_error_names_the_statement_but_not_its_values(backend, databases):
    engine = make_engine(databases(backend))
    try:
        with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
            connection.execute(text("SELECT no_such_column WHERE :secret = ''"), {"secret": VALUE})
    finally:
        engine.dispose()
    assert "no_such_column" in str(raised.value)
    assert VALUE not in str(raised.value)
