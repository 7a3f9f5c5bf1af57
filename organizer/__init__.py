"""The union domain, one package per feature, imported bottom to top:

    audit         the audit log every feature records into
    charting      unions, bargaining units, departments, shifts, the chart of coworkers
    accounts      accounts, roles, sessions, invitations, sign-in, account deletion
    unit_surveys  the bridge that hands units and their members to the survey engine
    strength      strength metrics, coworker backing, structure tests
    demands       leverage profiles, claims, demands, endorsements
    bargaining    the bargaining summary and its exports

`errors`, `roles`, `policy` and `ontology` (the importance ontology) sit below
them all; `demo` (the demo seed and its command) sits above them all. The composition root, core/app.py, imports
every package's models and registers their blueprints, commands and jobs."""
