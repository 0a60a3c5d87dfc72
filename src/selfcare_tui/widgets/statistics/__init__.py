"""Widgets of the statistics screen."""
