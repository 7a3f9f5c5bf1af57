"""The voting booth: the member's answer page, where answers are encrypted and
proven in the member's own browser (or, where a survey allows it and the
browser runs no JavaScript, by the server on arrival), the ballot's tracker is
shown before anything is sent, and a ballot may be opened for checking
(Benaloh's challenge) instead of being cast."""
