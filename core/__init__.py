"""Plumbing shared by every feature package: the app factory, extensions, the
declarative base, sealed columns, security headers, role decorators, error pages
and the job registry. No business rules live here."""
