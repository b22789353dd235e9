"""The user's journey, shared by both shells: sessions, feedback memory, remembered choices."""
