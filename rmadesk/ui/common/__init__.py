"""Shared pieces of the screens: the worker, dialogs, style, sounds and printing."""
