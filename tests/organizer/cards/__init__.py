"""Union cards: signing, withdrawal, paper cards, exports, density, sealing, authorization."""
