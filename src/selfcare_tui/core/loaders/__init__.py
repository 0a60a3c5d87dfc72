"""What each screen shows, gathered from the API in as few requests as it can, with no Textual:
a screen calls its loader in a worker and only shows the result."""
