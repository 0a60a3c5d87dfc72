"""The `selfcare` command line."""
