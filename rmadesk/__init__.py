"""RMA Desk: the returns-inspection bench."""

__version__ = "0.1.0"
