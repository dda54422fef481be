"""Reading report files: decoding and tab-separated tables, cell values, report specs; reports in amazon/."""
