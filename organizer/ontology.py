"""The importance ontology, as organizer/ has always imported it. It is written once,
in the top-level `ontology` module that candidates/ shares (ARCHITECTURE.md); this
module on organizer/'s floor only names it, so no import here had to change."""

from ontology import Basis, Category, DemandKind, EmployerResponse, Tier

__all__ = ["Basis", "Category", "DemandKind", "EmployerResponse", "Tier"]
