"""A safe channel for problems at work: a member reports one (unpaid overtime, a
hazard, harassment, a discipline meeting), sealed in their own browser to
their unit's stewards' personal keys, so that neither the server, nor whoever
runs it, nor an organizer who is not a steward can read it; the stewards move
it through the grievance steps against the contract's deadlines, and answer
the member without learning who they are unless the member chose to say; and
how many members reported each kind of problem is counted for the strength
page and the bargaining summary, shown only when enough stand behind it."""
