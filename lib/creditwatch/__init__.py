"""creditwatch: score Home Credit applications and keep watch over the model in production."""

__version__ = "0.1.0"
