"""Signing oneself up, for a job search: the one way into Leverage besides an
invitation. A job seeker need not be in a union, so nobody is there to invite
them; the account they make holds no role, sees nothing of any union, and is
never among a survey's voters (electorates are built from a unit's members).

The address is confirmed before any account exists: the link mailed to it
carries a day, a random nonce and an HMAC over them and the address's blind
index, so nothing is stored until the account is made, and the page that sends
it says the same whether or not the address already has an account (the mail
itself tells its owner which)."""
