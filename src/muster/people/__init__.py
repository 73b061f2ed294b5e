"""People: persons with their names as entered, households, identity documents and protection flags."""
