"""The TRaSH Guides and Recyclarr templates: fetched with git into the state dir (I/O edge)
and parsed into typed catalogs."""
