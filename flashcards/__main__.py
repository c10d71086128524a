import sys

from flashcards.cli import main

sys.exit(main())
