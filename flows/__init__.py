"""Prefect flows over the `pipeline` library (see flows/inbox.py)."""
