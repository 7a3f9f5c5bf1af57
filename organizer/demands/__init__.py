"""Demands: members' leverage profiles (claims), their demands and questions,
endorsement requests and surveys, the employer's answers, and demands shown
with their collective context (strength and coworker backing)."""
