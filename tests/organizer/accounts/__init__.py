"""Tests of organizer/accounts/."""
