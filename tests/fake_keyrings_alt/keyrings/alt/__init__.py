"""A stand-in for keyrings.alt: see tests/fake_keyrings_alt/README.md."""
