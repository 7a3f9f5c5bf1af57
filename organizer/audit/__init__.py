"""The audit log: what officers did, recorded by every feature as it acts and
read by the union's other officers. The lowest feature package: it imports no other."""
