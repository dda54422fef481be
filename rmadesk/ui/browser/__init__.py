"""Finding any return: the authorizations table, its filters and the detail pane."""
