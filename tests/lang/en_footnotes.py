"""Examples of the English lexicon's footnotes entries (see test_en.py):
(section, name) -> (an example the pattern finds, a near miss it does not)."""

from __future__ import annotations

EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    ("footnotes", "ibid"): ("Ibid., sixth and eighth paragraphs.", "See ibid."),
    ("footnotes", "see"): ("See also A/75/2, part II, chap. 31.", "Seen in S/2020/644."),
    ("footnotes", "letter_word"): ("letters dated 20 August 2020", "the letter of 20 August"),
    ("footnotes", "sender"): (
        "letter dated 21 August 2020 from the representative of Indonesia (S/2020/824)",
        "letter dated 21 August 2020 from the President of the Council",
    ),
    ("footnotes", "on_behalf"): (
        "from the representative of Belgium on behalf of Estonia, France and Germany",
        "from the representative of Belgium, speaking for Estonia",
    ),
    ("footnotes", "sg_report"): (
        "the ninth and tenth reports of the Secretary-General on",
        "the report of the Facilitator",
    ),
    ("footnotes", "letter_told"): (
        "following the letters dated 20 August and 23 September 2020 from the United States",
        "following the letters of 20 August and 23 September 2020 from the United States",
    ),
    ("footnotes", "segment_separator"): ("(S/2020/931); letters dated", "See S/PV.8733"),
    ("citations", "about"): (
        "reports of the Secretary-General on the implementation of resolution 2231 (2015)",
        "letters dated 20 August 2020 from the United States had been noted",
    ),
    ("citations", "pursuant"): (
        "the report of the Secretary-General submitted pursuant to resolution 2504 (2020)",
        "the report of the Secretary-General on resolution 2504 (2020)",
    ),
    ("citations", "see_after"): (", see S/2020/139", "; S/2020/139"),
    ("citations", "letters_say"): (
        "had written to the Council, stating, inter alia, that",
        "had spoken to the Council, stating that",
    ),
}
