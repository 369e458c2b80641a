"""syncd: the media stack's application configuration as code (plan and apply)."""

__version__ = "0.1.0"
