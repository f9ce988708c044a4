"""chime-reconciler: Amazon Chime memberships managed as code."""

__version__ = "0.1.0"
