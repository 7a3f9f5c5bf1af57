"""Tests of organizer/unit_surveys/."""
