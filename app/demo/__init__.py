"""The demo municipality Exempelkommun, loaded by `styrkedja demo load` and `make run`."""
