"""The maintainers' review site (`decree review`): the app is `pipeline.review.app.create_app`."""
