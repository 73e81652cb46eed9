"""``python -m tariffs``: the same as the ``tariffs`` command."""

from tariffs.cli import run

if __name__ == "__main__":
    run()
