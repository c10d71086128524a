import sys

from flashcards.cli import program

if __name__ == "__main__":
    sys.exit(program())
