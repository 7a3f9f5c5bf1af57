"""Tests of organizer/demands/."""
