"""Pure domain values shared by every stage: resources in syncd's own terms (no API shapes),
desired and live state of an instance, ownership. No I/O happens in this package."""
