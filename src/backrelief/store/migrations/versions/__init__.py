"""One module per schema revision; each names its parent in ``down_revision``."""
