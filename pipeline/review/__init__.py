"""The maintainers' review site (`decree review`): see `pipeline.review.app`."""
from pipeline.review.app import create_app

__all__ = ["create_app"]
