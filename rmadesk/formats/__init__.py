"""Readers for Amazon's return reports: decoding, tab-separated tables and report recognition."""
