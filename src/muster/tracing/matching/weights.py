"""The fixed parameters of the tracing score: m- and u-probabilities, levels and their labels.

Each m-probability is written with its reason; the u-probabilities are counted from the
registry when the index is built (see :mod:`muster.tracing.matching.index`).
"""

from __future__ import annotations

import functools
import math

REQUEST_FIELDS = (
    "separation_date",
    "separation_place",
    "age_at_separation",
    "distinguishing_marks",
)
NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name")

# A request's best candidate at or above this score is a confident match.  Names weigh what
# they weigh within the community (Sinjar), so a request is in effect compared with a few
# thousand registered (prior odds about 2^-12); 24 bits leave odds of about 2^12 in favour.
# The benchmark's tuning seeds (1-3) confirmed it: no request for an unregistered person
# reached it there.  Reading estimated years as counted from an age (ESTIMATE_SHIFT) sharpened
# the year's evidence: on the tuning seeds (default 1-3, 9-11) the best candidate of a request
# for an unregistered person then reached 24.9 bits (23.3 before), so the threshold is 25.
CONFIDENT_SCORE = 25.0
# Candidates scored in full per request, chosen by their block hits.
SCORED_CANDIDATES = 400
# A block larger than this (a common name in a common year) is read only if nothing rarer is.
BLOCK_CAP = 3000

# Joint matching of a batch (``TracingIndex.candidates_jointly``): candidates read per request.
JOINT_POOL = 30
# The odds, in bits, that a registered person is nobody's request rather than one given
# request's: about one in as many as are registered (log2 n), less what the score overstates
# by taking the fields as independent; 4.3 bits, so 10 bits at 20,000 registered, set on the
# benchmark's tuning seeds (1-3; 6 to 14 bits tried there, 10 best).  It grows with the
# registry because the scores do (a village's or a name's chance agreement is rarer).
UNCLAIMED_OFFSET = 4.3
# A confident candidate stays confident in a batch only if it is this request's by at least
# this many bits over every other request that claims the same registration (odds 16:1).
CLAIM_MARGIN = 4.0
# A request whose person a caseworker has confirmed claims that registration with at least this
# many bits (twice the confident score): the verified claim outweighs any matcher's evidence.
CONFIRMED_CLAIM = 48.0
# Live matching leaves out a rival's claim this many bits below the odds that a registration is
# nobody's (it would cost the candidate under 0.0001 bit): most rivals that share only a village
# and a year with a candidate.
NEGLIGIBLE_CLAIM = 14.0

P_BIRTH_NAME = 0.5  # registered under the birth name or renamed: no strong prior either way

# m-probabilities per name field and level (agree, close, disagree), for the two states.
# Birth name: the family and the register write the same names, with some slips; a register
# drops or mishears a grandfather or a clan name more often.  Renamed: the captors' given name
# (a birth name survives only as an alias or where the person insisted); the captors' chain
# often replaces the father's, grandfather's and family name, but a child usually still knows
# the mother's name, and the mother was often held with the child.
M_BIRTH = {
    "given_name": (0.92, 0.05, 0.03),
    "father_name": (0.88, 0.06, 0.06),
    "grandfather_name": (0.80, 0.07, 0.13),
    "family_name": (0.80, 0.07, 0.13),
    "mother_name": (0.88, 0.06, 0.06),
}
M_RENAMED = {
    "given_name": (0.10, 0.02, 0.88),
    "father_name": (0.30, 0.03, 0.67),
    "grandfather_name": (0.22, 0.03, 0.75),
    "family_name": (0.30, 0.05, 0.65),
    "mother_name": (0.72, 0.05, 0.23),
}
# A registered name that disagrees with the request's, read by where it comes from (name level
# ANOTHER_FAMILY).  A renamed person's registered names are the birth names kept (which agree,
# barring a slip) or the captors' names; a name of the request's own community (Sinjar) that is
# not the family's is neither: it is another family's.  So, for a request from the community, a
# registered name that is the community's and disagrees is a level of its own.  Renamed, it is a
# kept birth name misremembered or miswritten: the birth name's disagreement times the share of
# the field kept (father's name 0.06 x 0.30 / 0.88 = 0.02, mother's 0.05), where another name is
# most often the captors' (the rest of the renamed disagreement).  Under the birth name a
# disagreement is a slip, no likelier one kind of name than the other: split as chance splits
# it, so that reading is unchanged.  A name is the community's when it is at least
# COMMUNITY_NAME times as common among the registered from Sinjar as among all the registered
# (odds of ten that its bearer is of the community rather than not) and at least
# MIN_COMMUNITY_NAME of those bear it; the benchmark's tuning seeds: true persons read renamed
# bore such a name and disagreed on 2-5 % of fields (father's 5 %, mother's 0.5 %), the other
# candidates of their top ten on 11-24 %.  5, 10 and 20 tried there, 10 best.
ANOTHER_FAMILY = 3
COMMUNITY_NAME = 10.0
MIN_COMMUNITY_NAME = 2

# Place taken from against place of origin: same place, same district (Sinjar), other.  A
# renamed person is often registered with the captors' town.
M_PLACE_BIRTH = (0.55, 0.20, 0.25)
M_PLACE_RENAMED = (0.35, 0.15, 0.50)
# Birth-year distance beyond the request's own uncertainty: 0, 1, 2, 3, 4, 5-6, 7 and more.
# Registered ages are estimates (+-2 years), sometimes rounded to five; families misremember
# by a year.  Both states alike.  With an estimated year read as counted from an age
# (:data:`ESTIMATE_SHIFT`), the true person is within two years in nine cases of ten (the
# benchmark's tuning seeds: 0.30, 0.35, 0.27, 0.05, 0.01 for 0 to 4 years); the tail is kept
# heavier than seen there, for an estimate rounded to five years or a year misremembered.
YEAR_BUCKETS = (0, 1, 2, 3, 4, 5, 5, 6)  # distance -> bucket (distances >= 7: bucket 6)
M_YEAR = (0.29, 0.34, 0.25, 0.06, 0.03, 0.02, 0.01)
YEAR_LABELS = ("same", "1 year", "2 years", "3 years", "4 years", "5-6 years", "7+ years")
M_SEX = (0.98, 0.02)  # agree, disagree
# A u-probability is never taken below this: a name seen once in a million records is not
# allowed more than about 13 bits, as one misread name can make a spelling look unique.
U_FLOOR = 1e-4
U_CLOSE = 0.01  # chance of a close (typo-level) name by chance
YEAR_WINDOW = 4
# A registered birth year without a date of birth is most often counted from an estimated age:
# the registration year less the age in whole years, the latest year the person can have been
# born in (born the year before if the birthday had not come yet, as for most of those
# registered early in a year).  It is compared as this many years earlier.  The benchmark's
# tuning seeds (default 1-3 and 9-11) showed the registered year of the true person a year later
# than the request's on average; 0, 0.5, 1 and 1.25 tried there, 1 best (recall@5 +0.013).
ESTIMATE_SHIFT = 1.0
# Registered persons from Sinjar needed before their name frequencies are trusted.
MIN_COMMUNITY = 50


def _m(field: str, level: int, u: tuple[float, ...] = ()) -> tuple[float, float]:
    """(m given the birth name, m given renamed) of a field's level; ``u``: the field's chance
    agreement, which splits a name's disagreement where it has the level ANOTHER_FAMILY."""
    if field in M_BIRTH:
        if level in (0, ANOTHER_FAMILY) and len(u) == 4:
            return _m_disagree(field, level, u)
        i = 2 - level  # level 2 agree -> index 0
        return M_BIRTH[field][i], M_RENAMED[field][i]
    if field == "place":
        return M_PLACE_BIRTH[2 - level], M_PLACE_RENAMED[2 - level]
    if field == "year":
        return M_YEAR[level], M_YEAR[level]
    return M_SEX[level], M_SEX[level]


def _m_disagree(field: str, level: int, u: tuple[float, ...]) -> tuple[float, float]:
    """A name's disagreement split by the registered name: another (0) or the community's
    (ANOTHER_FAMILY); ``u``: (agree, close, another name, a community name) by chance."""
    agree_birth, _, disagree_birth = M_BIRTH[field]
    agree_renamed, _, disagree_renamed = M_RENAMED[field]
    slip = disagree_birth * agree_renamed / agree_birth  # a kept birth name, miswritten
    share = u[3] / (u[2] + u[3])
    if level == ANOTHER_FAMILY:
        return disagree_birth * share, slip
    return disagree_birth * (1.0 - share), disagree_renamed - slip


@functools.lru_cache(maxsize=8192)
def _bits(field: str, level: int, u: tuple[float, ...]) -> tuple[float, float]:
    """A field's weight in bits at a level, (birth name, renamed), for its chance agreement
    ``u``: log2 m - log2 u.  Cached: a request scores hundreds of candidates on a few levels."""
    mb, mr = _m(field, level, u)
    chance = math.log2(_u(u, field, level))
    return math.log2(mb) - chance, math.log2(mr) - chance


def _u(u: tuple[float, ...], field: str, level: int) -> float:
    if field in M_BIRTH and level == ANOTHER_FAMILY:
        return u[3]
    if field in M_BIRTH or field == "place":
        return u[2 - level]
    return u[level]


def _label(field: str, level: int) -> str:
    if level < 0:
        return "missing"
    if field == "year":
        return YEAR_LABELS[level]
    if field == "sex":
        return ("agree", "disagree")[level]
    if field == "place":
        return ("other", "same district", "same place")[level]
    return ("disagree", "close", "agree", "disagree, community name")[level]
