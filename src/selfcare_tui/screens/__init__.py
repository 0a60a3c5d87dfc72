"""One module per screen of the terminal app; each gets the session from the app."""
