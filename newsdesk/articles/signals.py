from django.dispatch import Signal

# Sent after the transaction that published, unpublished (or expired), moved or deleted an
# article has committed, and before cached pages are purged. Arguments: `article_id`,
# `change` (one of articles.services.ARTICLE_CHANGES) and `document`: the article's
# ArticleDocument, or None when readers may no longer see it. Receivers bring what they store
# about the article in line with the document, at once: readers' next request must see it.
article_changed = Signal()
