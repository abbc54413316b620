"""Who the caller is, and the scope the API applies to them."""

from ninja import Router, Schema

from jobbridge.core.apikit import ERRORS, RegionRef
from jobbridge.core.models import Grid

router = Router(tags=["me"])


class GridOut(Schema):
    code: str
    name: str
    township: RegionRef


class EnterpriseRef(Schema):
    id: int
    name: str


class ScopeOut(Schema):
    region: RegionRef | None
    grids: list[GridOut]
    enterprise: EnterpriseRef | None
    seeker_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    auth_method: str
    can_view_id_number: bool
    scope: ScopeOut


@router.get("", response={200: MeOut, **ERRORS}, summary="The calling user, role and scope")
def me(request):
    user = request.auth
    seeker = getattr(user, "seeker", None)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "auth_method": getattr(request, "auth_method", "session"),
        "can_view_id_number": user.has_perm("people.view_id_number"),
        "scope": {
            "region": user.region,
            "grids": Grid.objects.filter(commissioners=user).select_related("township"),
            "enterprise": user.enterprise,
            "seeker_id": seeker.pk if seeker else None,
        },
    }
