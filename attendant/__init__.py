"""Attendant: a desktop attendant console showing live free/busy of people and rooms."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("attendant")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
