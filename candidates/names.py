"""Does this text name an organisation? A warning, never a refusal: an experience is
told without its employer (a famous name is not proof of skill, and a small one
can identify the candidate), but the candidate may have a reason to keep a name,
and only they know whether "Harbor" is a company or a place.

Patterns, not a named-entity model: the named-entity libraries (spaCy, Stanza,
Flair, GLiNER, NLTK) all load model weights or data fetched separately, far
larger than this check needs, and cleanco (company-name clean-up) matches a
name already known to be one rather than finding it in a sentence, with short
legal forms ("AS", "AB", "SA") that are ordinary words. What is looked for:

- a legal form after a capitalised name: "Acme Logistics Inc", "Nordlicht GmbH",
  "Transportes Vega S.A.";
- a capitalised name after "at", "for", "en" or "para" in the middle of a
  sentence: "picked orders at Northwind", "trabajé en Almacenes Sol";
- a short list of large employers, written as they are spelled.

It errs on the side of asking: a warning about a place name costs a glance."""

from __future__ import annotations

import re

#: Legal forms that follow a company's name, in English, Spanish and a few other languages.
LEGAL_FORMS = (
    "Inc", "Incorporated", "LLC", "L.L.C.", "Ltd", "Limited", "Corp", "Corporation", "Co.", "Company", "PLC",
    "LLP", "LP", "GmbH", "AG", "KG", "S.A.", "SA de CV", "S.A. de C.V.", "S.L.", "S.L.U.", "S.A.S.", "SAS",
    "S.r.l.", "S.p.A.", "B.V.", "N.V.", "Pty", "Pty Ltd", "Oy", "A/S", "K.K.", "Ltda", "Cía", "Cia",
)

#: Large employers a card should not lean on, as they are written (a lowercase "apple" is fruit).
WELL_KNOWN_EMPLOYERS = (
    "Amazon", "Walmart", "Target", "Costco", "Kroger", "Home Depot", "IKEA", "FedEx", "UPS", "DHL", "USPS",
    "McDonald's", "Starbucks", "Uber", "Lyft", "DoorDash", "Instacart", "Google", "Apple", "Microsoft", "Meta",
    "Facebook", "Tesla", "Accenture", "Deloitte", "Mercadona", "Inditex", "Zara", "Carrefour", "Telefónica",
    "Bimbo", "Oxxo", "Pemex",
)

#: Capitalised words after "at"/"for" that are seldom an organisation: days, months, holidays, times of day.
_NOT_ORGANISATIONS = frozenset((
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Christmas Easter Thanksgiving Night Day Noon Midnight "
    "Lunes Martes Miércoles Jueves Viernes Sábado Domingo Enero Febrero Marzo Abril Mayo Junio Julio Agosto "
    "Septiembre Octubre Noviembre Diciembre Navidad Semana I"
).split())

_CAPITALISED = r"[A-ZÁÉÍÓÚÑÜ][\w&'’.-]*"
_NAME = rf"{_CAPITALISED}(?:\s+(?:&\s+)?{_CAPITALISED}){{0,4}}"
_LEGAL_FORM = re.compile(
    rf"\b({_NAME})[\s,]+(?:{'|'.join(re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True))})"
    r"(?![\w])")
_AFTER_PREPOSITION = re.compile(rf"(?<![.!?:\n])\s(?:at|for|en|para)\s+({_NAME})")
_WELL_KNOWN = re.compile(
    rf"(?<![\w])({'|'.join(re.escape(name) for name in sorted(WELL_KNOWN_EMPLOYERS, key=len, reverse=True))})"
    r"(?![\w])")


def organisation_names(text: str | None) -> list[str]:
    """The phrases of `text` that look like an organisation's name, in the order found, each once."""
    if not text:
        return []
    found: list[str] = []
    for match in _LEGAL_FORM.finditer(text):
        found.append(match.group(0).strip(" ,"))
    for match in _AFTER_PREPOSITION.finditer(text):
        name = match.group(1).rstrip(".")
        if name.split()[0] not in _NOT_ORGANISATIONS:
            found.append(name)
    found += [match.group(1) for match in _WELL_KNOWN.finditer(text)]
    # A legal-form match contains its name: keep the longer phrase only.
    kept: list[str] = []
    for phrase in found:
        if phrase not in kept and not any(phrase in other for other in found if other != phrase):
            kept.append(phrase)
    return kept


def names_in(*texts: str | None) -> list[str]:
    """`organisation_names` over several texts at once (an experience's fields), each name once."""
    names: list[str] = []
    for text in texts:
        names += [name for name in organisation_names(text) if name not in names]
    return names
