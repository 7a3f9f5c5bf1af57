"""Digital union cards: the union's card text (versioned), cards members sign in
the app with a typed signature and a confirmation step, paper cards organizers
record, withdrawal, the count of valid cards that density rests on, and the
exports organizers file with a labour board (a PDF with one card per page, and
a CSV). Every card field is sealed at rest."""
