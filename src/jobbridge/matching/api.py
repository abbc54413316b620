"""API endpoints of matching (mounted at /api/matching/): batch runs and allocation, and the
lists people see. The first recommendation lists, under /api/seekers/ and /api/postings/, are in
``api_lists.py`` and mounted by the API assembly beside the people and employers routers."""

from ninja import Router

from jobbridge.matching.api_runs import router as runs_router
from jobbridge.matching.api_surfaces import router as surfaces_router

router = Router(tags=["matching"])
router.add_router("", runs_router)
router.add_router("", surfaces_router)
