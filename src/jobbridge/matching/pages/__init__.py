"""The matching pages people use ("surfaces", issue 3): a job seeker's "jobs for you" with one tap
to say "I'm interested", and a posting's ranked candidates with masked contacts.

``selectors`` (reads), ``services`` (writes), ``filters`` (query parameters) are shared by the
pages (``views``), the API (``matching/api_surfaces.py``) and the CLI (``jobbridge surfaces``).
"""
