"""Amazon's return reports, one module per report; registry.py names them and tells them apart."""
