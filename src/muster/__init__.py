"""Muster: register, screen and keep track of every person in a mass evacuation."""

__version__ = "0.1.0"
