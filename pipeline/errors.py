"""Errors a stage raises when it refuses a file. Each carries a one-line reason a clerk can read."""


class PipelineError(Exception):
    """Base class: ``str(err)`` is the reason shown to the user, ``stage`` where it happened."""

    stage = "pipeline"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ReadError(PipelineError):
    """The file cannot be read: empty, truncated, encrypted, not what its name says, unsupported."""

    stage = "read"


class NeedsOCR(ReadError):
    """The file has no usable text layer (a scan, a broken font map); OCR is needed."""


class RunBlocked(PipelineError):
    """A run cannot start or go on because of its surroundings, not of a file: no Prefect API, a read-only
    or full disk, another run holding the home. Nothing is processed and every inbox file stays where it is;
    the reason says what to do."""

    stage = "environment"
