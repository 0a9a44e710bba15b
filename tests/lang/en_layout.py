"""Examples of the English lexicon's layout entries (see test_en.py):
(section, name) -> (an example the pattern finds, a near miss it does not)."""

from __future__ import annotations

EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    # [furniture]: the running heads of both facing pages.
    ("furniture", "running_header"): (
        "Repertoire of the Practice of the Security Council, 2020",
        "Repertoire of the Practice of the Security Council",
    ),
    ("furniture", "running_header_part"): (
        "Part I. Consideration of questions under the responsibility of the Security Council",
        "Part I.",
    ),
    # [headings]
    ("headings", "item"): ("32. Items relating to non-proliferation", "2020. In June"),
    ("headings", "subsection"): ("A. Non-proliferation", "AB. Non-proliferation"),
    ("headings", "table_number"): ("Table 2 (continued)", "Table 1 below"),
    ("headings", "meetings_title"): ("Meetings: Non-proliferation", "Meeting record and date"),
    ("headings", "videoconferences_title"): (
        "Videoconferences: Non-proliferation",
        "Videoconference date",
    ),
    ("headings", "table_note"): (
        "a Germany was represented by its Federal Minister for Foreign Affairs.",
        "abc Germany",
    ),
    # [tables]
    ("tables", "ref_before"): ("All Council members,", "All Council members and"),
    ("tables", "official_suffix"): ("HighRepresentative", "Representativeof"),
    ("tables", "list_goes_on"): ("All Council members,a", "all invitees"),
    ("tables", "continued"): ("Table 1 (continued)", "Table 1 continues"),
    ("tables", "no_record"): ("No recorda S/PRST/2020/13", "S/2020/1286 No record"),
    ("tables", "record_title_letter"): (
        "Letter dated 2 July 2020 from the President of the Security Council",
        "Report of the Secretary-General dated 2 July 2020",
    ),
    # [dates]
    ("dates", "full"): ("26 February 2020", "26 February"),
    ("dates", "day_month"): ("On 26 February, the Council", "26 February 2020"),
    ("dates", "month_only"): ("In June and December", "the President of the Council for August"),
    ("dates", "year_month"): ("between December 2019 and", "On 14 August, the"),
    # [decisions]
    ("decisions", "draft_resolution"): ("Draft resolution S/2020/797", "resolution 2231 (2015)"),
    ("decisions", "resolution_prose"): ("resolution 2231 (2015)", "S/RES/2231(2015)"),
    ("decisions", "presidential_statement"): (
        "a statement by the President",
        "the President of the Council",
    ),
    ("decisions", "not_adopted"): ("S/2020/797 (not adopted)", "S/2020/797 (adopted)"),
    ("decisions", "unanimous"): ("Adopted unanimously", "adopted by 13 votes"),
    ("decisions", "vote_counts"): ("2-2-11a", "S/2020/2-2-11"),
    ("decisions", "note_ref"): ("(not adopted)a", "adopted"),
    # [votes]
    ("votes", "label_separator"): ("For: Dominican Republic", "For Dominican Republic"),
    ("votes", "group_separator"): ("United States; Against", "United States, Against"),
    # [markers]
    ("markers", "counter_suffix"): (" members", " See"),
    # [lists]
    ("lists", "separator"): ("France and Germany", "Germany"),
    ("lists", "final_punctuation"): ("Viet Nam.", "Viet Nam"),
    # [speakers]
    ("speakers", "represented_by"): (
        "Germany was represented by its Federal Minister for Foreign Affairs.",
        "Germany represented its Federal Minister",
    ),
}
