"""Reading submissions of Muster's household form from KoboToolbox and ODK Central exports.

Pure Python, no Django: readers turn a file into :class:`Submission` records shaped like Muster's
registration input (a household, head first, with its members and their documents); writing them to
the database is the registration service's job.
"""

from __future__ import annotations

# The names of the form's questions: the XLSForm writes them, the readers here read them back.
REPEAT = "members"
RECEPTION_POINT = "reception_point"
NAME_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
)
MEMBER_FIELDS = (
    "relationship_to_head",
    *NAME_FIELDS,
    "sex",
    "dob_known",
    "date_of_birth",
    "birth_year",
    "estimated_age",
    "nationality",
    "place_of_origin",
    "vulnerabilities",
    "doc_type",
    "doc_number",
    "doc_issuing_country",
    "doc_mrz",
)
