// Muster's small page helpers. No framework; htmx does the requests.
