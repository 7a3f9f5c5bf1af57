"""Tests of organizer/audit/."""
