"""homesec-bench: can a small local model do a home-security assistant's real work, and how fast?"""

__version__ = "0.1.0"
