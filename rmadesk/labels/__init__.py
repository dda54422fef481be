"""Printable labels: Code 128 barcodes and A4 barcode sheets for the inspection bench."""
