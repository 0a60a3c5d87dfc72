"""The v1 API, one router per resource."""
