"""Turn Vietnamese administrative documents (plans, decisions, letters) into structured data."""

__version__ = "0.1.0"
