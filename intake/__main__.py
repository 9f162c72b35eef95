"""Allow `python -m intake …` as well as `inspraak …`."""

from intake.cli import main

main()
