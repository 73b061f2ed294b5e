"""Matching a tracing request to the registered: renamed children, grown-up ages, any script.

Plain deduplication looks for the same name.  A child abducted in 2014 may be registered in
2019 under the name the captors gave (Aisha, Abdullah) and often under the captors' chain of
names, with an age that was estimated; what survives is what the child remembered or what the
captors did not change: the mother's name, the place taken from, sometimes the father's,
grandfather's or clan name, the sex, and an age that grew with the years since.

The score is a Fellegi–Sunter log-likelihood ratio (bits) with fixed parameters and a hidden
state: the person was registered under the birth name, or renamed.  Each state has its own
m-probabilities (how often a field agrees for the true person), written below with the reason
for each; the u-probabilities (how often the field agrees by chance) are the frequencies of
the request's own values in the registry, counted when the index is built (like term-frequency
adjustment in Splink), so that agreeing on "Gulistan" or on "Kocho" weighs what its rarity
says.  Nothing is learnt from labelled pairs::

    score = log2( P(levels | match) / P(levels | not a match) )
    P(levels | match) = p_birth_name * prod m_birth(level) + (1 - p_birth_name) * prod m_renamed(level)
    P(levels | not a match) = prod u(level)

A registered name that disagrees with the request's is read by where it comes from: a renamed
person bears the birth names kept or the captors' names, so for a request from Sinjar a name
of the community (far more common among the registered from Sinjar than among all) that is not
the family's is another family's, and weighs against the renamed reading as a slip would
(level ``disagree, community name``); a captors' name does not.  Under the birth name either is
a slip alike.  A missing value on either side is no evidence (factor 1).  Names are compared with the
identity library's levels (``exact``, ``transliteration``, ``arabic_script_equivalent`` count
as agreeing; ``typo`` as close), so a Kurmanji request (Xelef, Şîrîn, Cîhan) meets a Latin or
Arabic-script registration (Khalaf, شيرين, جيهان).  The request's given name is also compared
with the registration's alias, where officers write a birth name the person still gave.

Birth years: a request gives a birth year, or an age at separation and the date (a 6-year-old
taken in August 2014 was born in 2007 or 2008); the registry's year is an estimate.  The
level is the distance in years beyond that uncertainty.  A registered year without a date of
birth is read as counted from an age (the registration year less the age in whole years, the
latest year the person can have been born in), so a year earlier (``ESTIMATE_SHIFT``).

Candidates come from an inverted index (built once) on the name skeletons of mother, given
name and alias, father and grandfather (an Arabic-script name beginning with ال also with the
ال read as part of the name: الياس, Elias), each with sex and birth year as compared (the
request reads nine years around its own), on the place, and on the mother's name (alone, or with the family
name) without the year, for an age estimate far off; a
candidate's block hits, weighed by how rare each block is, choose the few hundred that are
scored in full.  ``TracingIndex.candidates(request, top=10)`` answers in milliseconds at a
million registered.

A batch of requests (a file for ``muster trace match``) is matched jointly:
``TracingIndex.candidates_jointly`` weighs each registered person against every request of the
batch that claims it, since one registration is one person sought.  Siblings taken together
file requests that differ only in the given name and age; alone, the sister registered under
her own name is often her sibling's first candidate.  A candidate's score loses what the other
requests' claims on the same registration are worth (the odds that the registration is this
request's person rather than another's or nobody's), and the explanation names the other
request.  A Kurmanji Latin request name is also read with Hawar c = j and ç = ch (Cîhan,
Jihan), which the identity normaliser reads as k.

The package: ``weights`` (the fixed parameters), ``records`` (requests and registered persons as
read), ``comparisons`` (a level per field), ``blocking`` (index keys), ``index``
(:class:`TracingIndex`). Callers import from here.
"""

from muster.tracing.matching.blocking import person_keys, request_keys
from muster.tracing.matching.claims import Reading, Rival, Rivals
from muster.tracing.matching.index import TracingIndex
from muster.tracing.matching.records import RequestError, TraceCandidate, check_request
from muster.tracing.matching.weights import (
    BLOCK_CAP,
    CONFIDENT_SCORE,
    JOINT_POOL,
    NAME_FIELDS,
    REQUEST_FIELDS,
    SCORED_CANDIDATES,
)

__all__ = [
    "BLOCK_CAP",
    "CONFIDENT_SCORE",
    "JOINT_POOL",
    "NAME_FIELDS",
    "REQUEST_FIELDS",
    "SCORED_CANDIDATES",
    "Reading",
    "RequestError",
    "Rival",
    "Rivals",
    "TraceCandidate",
    "TracingIndex",
    "check_request",
    "person_keys",
    "request_keys",
]
