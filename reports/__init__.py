"""Cadence's printed documents (reportlab): payout statements and the finance summary."""
