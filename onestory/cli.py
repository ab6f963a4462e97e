"""The `onestory` console command: `onestory <command>` does what `manage.py <command>` does."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["onestory", *sys.argv[1:]])
