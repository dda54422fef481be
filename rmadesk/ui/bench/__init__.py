"""The bench screen: the inspection rendered step by step, scans and keys forwarded."""
