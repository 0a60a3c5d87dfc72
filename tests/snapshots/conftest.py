"""The snapshot tests: the app rendered to SVG by pytest-textual-snapshot (`snap_compare`) and
compared with __snapshots__/<module>/<test>.svg beside these modules.

They use the fixtures of tests/conftest.py (`live_server`, `window_server`, `memory_keyring`);
none of their own is shared between modules. Never pass --snapshot-update to make one pass:
a changed SVG is a changed screen, to be looked at first.
"""
