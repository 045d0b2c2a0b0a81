"""archcheck: architecture compliance checks for Python service monorepos."""

__version__ = "0.2.0"
