"""The home page: what needs each person now, as member, trustee and organizer,
above the places they work in. It sits above every feature it reads from."""
