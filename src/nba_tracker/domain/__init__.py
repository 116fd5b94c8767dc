"""Pure logic that turns an article into what a fan wants to know: the kind of news,
how sure it is, who is involved, what changed hands, and which story it belongs to.
No I/O (the ``domain is pure`` contract in pyproject.toml holds it to that).

Import from the module that defines a name; this package re-exports nothing, so
importing ``nba_tracker.domain.text`` never pays for building the player index:

- ``analysis``    :func:`analyze` — one article in, an :class:`Analysis` out
- ``classify``    ``Category``, ``Status`` and the rules that decide them
- ``teams``       the 30 teams (names, colours, nicknames) and finding them in text
- ``players``     finding players, known to nba_api or not
- ``picks``       draft picks that change hands
- ``stories``     whether two reports are one story; ``story_plan`` plans a feed's stories
- ``news``        what the store is given to write (an item and its analysis)
- ``text``        normalisation and the one name-folding key
"""
