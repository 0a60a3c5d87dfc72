"""The reference utility backend (the `server` extra): FastAPI over SQLAlchemy, on the API
models alone of the client side."""
