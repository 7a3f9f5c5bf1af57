"""The home page: what needs each person now, as member, trustee, committee
member and organizer, above the places they work in; and the union's dashboard
and the steward's unit page, which lead with each unit's density. It sits
above every feature it reads from."""
