"""The apps' read-only JSON API (issue 10, "API for apps"): Wagtail API v2 endpoints under /api/v2/."""
