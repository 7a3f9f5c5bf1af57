"""Charting: unions, bargaining units, departments and shifts, the coworkers on a
unit's chart, each union's privacy floors and the figures that come straight
from the chart (headcount, members, density)."""
