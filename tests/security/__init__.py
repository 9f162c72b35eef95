"""Attacks and leaks a review found, each performed against the real server and shown to fail."""
