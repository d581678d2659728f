"""`python -m homesec_bench` is the `homesec-bench` command."""

from homesec_bench.cli import main

if __name__ == "__main__":
    main()
