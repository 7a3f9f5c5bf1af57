"""Tests of organizer/bargaining/."""
