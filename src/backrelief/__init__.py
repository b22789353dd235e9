"""backrelief: a self-guided back-relief coach that screens for red flags first."""

__version__ = "0.1.0"
