"""The unit tests: pure logic, without a server or the app (no fixture of tests/conftest.py is
needed here; the few a module needs, such as a locale or a database in memory, are its own)."""
