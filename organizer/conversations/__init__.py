"""One-on-one conversations and their follow-ups: an organizer (or a committee
member, for their own departments) records a talk with a coworker, the issues
raised, where the coworker stands after it and a sealed note; a follow-up is
the next step, with an owner and a due day, listed on the owner's home page;
the unit's page counts the coworkers nobody has spoken to lately, by
department and by shift, holding back groups too small to count."""
