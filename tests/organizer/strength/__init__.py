"""Tests of organizer/strength/."""
