"""safetyhelper: online safety, step by step, for a caseworker and a service user."""

__version__ = "0.1.0"
