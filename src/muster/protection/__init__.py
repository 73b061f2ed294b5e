"""Protection: reviews of children, family separations, and the rules custody consults."""
