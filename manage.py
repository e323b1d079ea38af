#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # A developer's tool: the laptop settings, whose key is generated per clone (never one
    # written in the repository). Deployments name their settings for every process.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
