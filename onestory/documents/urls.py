"""Documents on a record and search (urls_documents), letters and reports from templates
(urls_letters)."""

from .urls_documents import urlpatterns as document_urls
from .urls_letters import urlpatterns as letter_urls

app_name = "documents"
urlpatterns = [*document_urls, *letter_urls]
