"""Strength: the unit's strength metrics and tier, coworker backing of claims and
demands from endorsement surveys, and structure tests (petition, gear day,
rally, mock strike vote, strike) as evidence."""
