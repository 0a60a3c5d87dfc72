"""A stand-in for keyrings.alt: see tests/support/fake_keyrings_alt/README.md."""
