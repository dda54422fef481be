"""The domain of RMA Desk: plain data, rules and errors, with no Qt and no database."""
