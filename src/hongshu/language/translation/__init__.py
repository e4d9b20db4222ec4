"""Machine translation behind one interface: pluggable providers, an offline dictionary gloss, a cache."""
