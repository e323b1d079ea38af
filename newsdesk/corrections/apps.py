from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "newsdesk.corrections"
    label = "corrections"
    verbose_name = "Corrections"
