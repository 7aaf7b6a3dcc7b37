"""The HTTP surface: the only package that imports FastAPI. Routes parse, call one service function
and return a schema; errors are rendered in one place (``problems``)."""
