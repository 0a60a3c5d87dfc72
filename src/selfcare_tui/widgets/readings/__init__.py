"""Widgets of the readings screen."""
