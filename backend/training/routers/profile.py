from ninja import Router

from backend.core.schemas import ErrorOut
from backend.training.schemas.profile import ProfileIn, ProfileOut
from backend.training.services import profiles

router = Router(tags=["auth"])


@router.get("", response={200: ProfileOut, 401: ErrorOut})
def get_profile(request):
    return profiles.profile_view(request.user, profiles.ensure_profile(request.user.id))


@router.put("", response={200: ProfileOut, 400: ErrorOut, 401: ErrorOut})
def replace_profile(request, payload: ProfileIn):
    changes = payload.model_dump()
    if changes["email"] is None:
        del changes["email"]
    profile = profiles.update_profile(request.user, changes)
    return profiles.profile_view(request.user, profile)


@router.patch("", response={200: ProfileOut, 400: ErrorOut, 401: ErrorOut})
def update_profile(request, payload: ProfileIn):
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("email", "") is None:
        del changes["email"]
    profile = profiles.update_profile(request.user, changes)
    return profiles.profile_view(request.user, profile)
