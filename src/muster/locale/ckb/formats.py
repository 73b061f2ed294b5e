"""Date and number formats for the Sorani UI, over Django's own ``ckb`` formats.

Django names Gregorian months in Sorani with the Kurdish solar months (January is ڕێبەندان, which
starts on 21 January), so a date written with month names would put many days in the wrong month:
dates are written as numbers, year first, as in the rest of Muster.
"""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 6  # Saturday
# Scores and coordinates read the same as in the English UI: 0.950, never 0,950.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
