"""Screening: category decisions, reference lists, hits and adjudication."""
