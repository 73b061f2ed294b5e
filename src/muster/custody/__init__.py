"""Custody: facilities, placements and movements (dispatch -> receipt): where everyone is."""
