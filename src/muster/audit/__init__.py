"""Audit: append-only, hash-chained record of every read and write of personal data."""
