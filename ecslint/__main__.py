"""Lets `python -m ecslint` behave exactly like the `ecslint` console script."""

from ecslint.cli import main

if __name__ == "__main__":
    main()
