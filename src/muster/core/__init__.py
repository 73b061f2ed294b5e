"""What every stage shares and no stage owns: typed settings, numbering, error codes, middleware."""
