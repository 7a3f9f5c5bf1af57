"""Unit surveys: the bridge that hands bargaining units and their members to the
survey engine, with the survey forms, pages and released results of a union."""
