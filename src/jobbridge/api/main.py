"""The NinjaAPI instance: routers, authentication and error handling, in one place."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from jobbridge.api.docs import LocalSwagger
from jobbridge.api.routers import enterprises, industries, me, occupations, postings, regions, seekers
from jobbridge.core import apikit as errors
from jobbridge.core.apiauth import AUTH
from jobbridge.jobtitles.api import router as jobtitles_router
from jobbridge.matching.api import router as matching_router
from jobbridge.notifications.api import router as notifications_router
from jobbridge.placements.api import router as placements_router
from jobbridge.returns.api import router as returns_router
from jobbridge.transfers.api import router as transfers_router

errors.use_unique_component_names()  # before any schema is built (see core.apikit)


class Utf8JSON(JSONRenderer):
    # Names and messages are Chinese: send them as UTF-8, not as \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="JobBridge API",
    version="1",
    description="公共就业服务平台接口。认证：Authorization: Bearer <令牌>，或已登录浏览器的会话（写操作须带CSRF令牌）。",
    auth=AUTH,  # deny by default: every operation needs a token or a session
    docs=LocalSwagger(),
    renderer=Utf8JSON(),
    urls_namespace="api",
)
errors.install(api)

api.add_router("/me", me.router)
api.add_router("/regions", regions.router)
api.add_router("/occupations", occupations.router)
api.add_router("/industries", industries.router)
api.add_router("/seekers", seekers.router)
api.add_router("/enterprises", enterprises.router)
api.add_router("/postings", postings.router)
api.add_router("/matching", matching_router)
api.add_router("/placements", placements_router)
api.add_router("/transfers", transfers_router)
api.add_router("/notifications", notifications_router)
api.add_router("/jobtitles", jobtitles_router)
api.add_router("/returns", returns_router)
