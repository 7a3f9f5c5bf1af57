"""Stories kept in escrow: the story of a victory or a campaign moment, written
now by an organizer or a member and sealed until it can be told, on a date or
when the union is recognised, for the readers its author chose, with the names
the author marked hidden from everyone else. Sealed to the union's survey key
(its trustees open it together, each in their own browser, once the day has
come) or, when the union has none, to a key the server keeps and opens by
itself on the day. The union's archive lists the stories by the day they open,
and nothing of what they say until then."""
