"""Examples of the English lexicon's narrative entries (see test_en.py):
(section, name) -> (an example the pattern finds, a near miss it does not)."""

from __future__ import annotations

EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    ("narrative", "state_speaker"): (
        "the Permanent Representative of the United States reiterated",
        "the Permanent Representative said",
    ),
    ("narrative", "not_speaker_after"): (
        " to the Council",
        " said that",
    ),
    ("narrative", "facilitator_capacity"): (
        "Belgium, in his capacity as Facilitator for the implementation of resolution "
        "2231 (2015), briefed",
        "Belgium, as Facilitator, briefed",
    ),
    ("narrative", "sponsor"): (
        "On 14 August, the United States submitted a draft resolution",
        "On 14 August, the United States voted on a draft resolution",
    ),
    ("narrative", "meeting_format"): (
        "the Council held one meeting in connection with the item, which took the form of a "
        "briefing.",
        "the Council held one meeting in connection with the item.",
    ),
    ("narrative", "open_videoconferences"): (
        "Council members also held three open videoconferences",
        "Council members also held three closed videoconferences",
    ),
    ("narrative", "heard_briefing"): (
        "Council members were briefed by the High Representative for Disarmament Affairs.",
        "Council members briefed the High Representative for Disarmament Affairs.",
    ),
    ("narrative", "held_by_state"): (
        "the representative of Belgium in his capacity as ",
        "the representative of Belgium as ",
    ),
    ("narrative", "group_title"): (
        "Items relating to non-proliferation",
        "Non-proliferation",
    ),
    ("narrative", "instrument_title"): (
        "the Treaty on the Non-Proliferation of Nuclear Weapons",
        "the Treaty on the Non-Proliferation",
    ),
    ("gazetteer", "article"): ("the Niger", "Niger"),
}
