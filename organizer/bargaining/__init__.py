"""Bargaining: the unit's bargaining summary, ranked by importance and backing,
and its Markdown, CSV and PDF exports."""
