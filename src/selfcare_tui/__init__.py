"""selfcare-tui: a terminal self-service client for electricity customers."""

__version__ = "0.1.0"
