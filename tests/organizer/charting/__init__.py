"""Tests of organizer/charting/."""
