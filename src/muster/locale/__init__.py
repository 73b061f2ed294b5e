"""Translations (``*/LC_MESSAGES``) and, for the languages that need them, date and number formats.

A package only so that ``FORMAT_MODULE_PATH`` can find ``<lang>/formats.py``, the way Django keeps its own.
"""
