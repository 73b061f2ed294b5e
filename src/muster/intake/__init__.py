"""Intake: reception registration of whole households (forms, imports)."""
