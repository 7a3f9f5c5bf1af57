"""Email notices to account holders who asked for them: a survey opened for
them, a survey needs their part as trustee, results were released. The job
that finds such events, the one row per survey and event that keeps it from
mailing twice, and the page where a person turns the notices on or off."""
