#!/usr/bin/env python
from onestory.cli import main

if __name__ == "__main__":
    main()
