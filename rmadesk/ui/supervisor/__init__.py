"""The supervisor view of a shift's figures."""
