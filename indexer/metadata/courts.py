"""The court a caption or letterhead names, as its Bluebook abbreviation (T1, T7)."""
from __future__ import annotations

import re

CIRCUITS = {
    "FIRST": "1st Cir.", "SECOND": "2d Cir.", "THIRD": "3d Cir.", "FOURTH": "4th Cir.", "FIFTH": "5th Cir.",
    "SIXTH": "6th Cir.", "SEVENTH": "7th Cir.", "EIGHTH": "8th Cir.", "NINTH": "9th Cir.", "TENTH": "10th Cir.",
    "ELEVENTH": "11th Cir.", "DISTRICT OF COLUMBIA": "D.C. Cir.", "FEDERAL": "Fed. Cir.",
}
# Bluebook T10 abbreviations of the states, as district court names use them ("N.D. Cal.", "D.N.M.").
STATES = {
    "ALABAMA": "Ala.", "ALASKA": "Alaska", "ARIZONA": "Ariz.", "ARKANSAS": "Ark.", "CALIFORNIA": "Cal.",
    "COLORADO": "Colo.", "CONNECTICUT": "Conn.", "DELAWARE": "Del.", "FLORIDA": "Fla.", "GEORGIA": "Ga.",
    "HAWAII": "Haw.", "IDAHO": "Idaho", "ILLINOIS": "Ill.", "INDIANA": "Ind.", "IOWA": "Iowa", "KANSAS": "Kan.",
    "KENTUCKY": "Ky.", "LOUISIANA": "La.", "MAINE": "Me.", "MARYLAND": "Md.", "MASSACHUSETTS": "Mass.",
    "MICHIGAN": "Mich.", "MINNESOTA": "Minn.", "MISSISSIPPI": "Miss.", "MISSOURI": "Mo.", "MONTANA": "Mont.",
    "NEBRASKA": "Neb.", "NEVADA": "Nev.", "NEW HAMPSHIRE": "N.H.", "NEW JERSEY": "N.J.", "NEW MEXICO": "N.M.",
    "NEW YORK": "N.Y.", "NORTH CAROLINA": "N.C.", "NORTH DAKOTA": "N.D.", "OHIO": "Ohio", "OKLAHOMA": "Okla.",
    "OREGON": "Or.", "PENNSYLVANIA": "Pa.", "RHODE ISLAND": "R.I.", "SOUTH CAROLINA": "S.C.",
    "SOUTH DAKOTA": "S.D.", "TENNESSEE": "Tenn.", "TEXAS": "Tex.", "UTAH": "Utah", "VERMONT": "Vt.",
    "VIRGINIA": "Va.", "WASHINGTON": "Wash.", "WEST VIRGINIA": "W. Va.", "WISCONSIN": "Wis.", "WYOMING": "Wyo.",
    "COLUMBIA": "D.C.", "PUERTO RICO": "P.R.", "GUAM": "Guam", "THE VIRGIN ISLANDS": "V.I.",
}
PARTS = {"NORTHERN": "N.", "SOUTHERN": "S.", "EASTERN": "E.", "WESTERN": "W.", "CENTRAL": "C.", "MIDDLE": "M."}

_STATE = "|".join(sorted(STATES, key=len, reverse=True))
_SEP = r"[\s,]+(?:FOR\s+)?(?:THE\s+)?"
APPEALS = re.compile(rf"(?:UNITED STATES|U\.S\.)\s+COURT\s+OF\s+APPEALS?[\s,]*(?:FOR\s*)?(?:THE\s+)?"
                     rf"({'|'.join(CIRCUITS)})\s+CIRCUIT")
DISTRICT = re.compile(rf"UNITED STATES (BANKRUPTCY|DISTRICT) COURT(?:\s+FOR\s+THE:?)?{_SEP}"
                      rf"(?:({'|'.join(PARTS)})\s+)?DISTRICT\s+OF\s+({_STATE})\b")
# Courts named once, whole.
NAMED = (
    (re.compile(r"SUPREME COURT OF THE UNITED STATES"), "U.S."),
    (re.compile(r"UNITED STATES TAX COURT"), "T.C."),
    (re.compile(r"UNITED STATES COURT OF FEDERAL CLAIMS"), "Fed. Cl."),
    (re.compile(r"TENNESSEE BUREAU OF WORKERS' COMPENSATION WORKERS' COMPENSATION APPEALS BOARD"),
     "Tenn. Workers' Comp. App. Bd."),
)
STATE_SUPREME = re.compile(rf"SUPREME COURT OF ({_STATE})\b")
STATE_APPEALS = re.compile(rf"(?:({_STATE}) COURT OF APPEALS|COURT OF APPEALS OF ({_STATE}))\b")
# "Appeal from the United States District Court for ...", "certiorari to the Court of Appeals":
# the court below is named, not this one.
# A judge "sitting by designation" is named with their own court ("Chief Judge, United States District Court ...").
BELOW = re.compile(r"(?:(?:APPEALS?|APPEALED|CERTIORARI|REMOVED|TRANSFERRED|JUDGE|ORDER)\s+(?:FROM|TO|OF)\s+(?:THE\s+)?"
                   r"|JUDGE,\s*(?:THE\s+)?)$")
HEAD = 4000        # a caption is at the top of the first page


def court(text: str) -> str | None:
    """The court that heads ``text`` (a first page), or None when none is clearly named."""
    head = " ".join(text[:HEAD].upper().replace("’", "'").split())
    found = [(m.start(), name) for m, name in _matches(head) if not BELOW.search(head[max(0, m.start() - 40):m.start()])]
    return min(found)[1] if found else None


def _matches(head: str):
    for match in APPEALS.finditer(head):
        yield match, CIRCUITS[match.group(1)]
    for match in DISTRICT.finditer(head):
        yield match, district(match.group(1), match.group(2), match.group(3))
    for pattern, name in NAMED:
        for match in pattern.finditer(head):
            yield match, name
    for match in STATE_SUPREME.finditer(head):
        if match.group(1) != "COLUMBIA":
            yield match, STATES[match.group(1)]
    for match in STATE_APPEALS.finditer(head):
        state = match.group(1) or match.group(2)
        if state != "COLUMBIA":
            yield match, f"{STATES[state]} Ct. App."


def district(court_type: str, part: str | None, state: str) -> str:
    """"N.D. Cal.", "D.N.M.", "D.D.C.", "Bankr. N.D. Ill." """
    abbr = STATES[state]
    prefix = f"{PARTS[part]}D." if part else "D."
    # Abbreviations made of initials close up ("D.N.M."); words keep a space ("D. Colo.").
    name = f"{prefix}{abbr}" if re.fullmatch(r"(?:[A-Z]\.)+", abbr) else f"{prefix} {abbr}"
    return f"Bankr. {name}" if court_type == "BANKRUPTCY" else name
