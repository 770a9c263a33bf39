"""DRF-shaped page-number pagination: {"count", "next", "previous", "results"}."""

import math
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from backend.core.errors import NotFound


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="1-based page number.")
        page_size: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE,
            description="Items per page (at most 100).",
        )

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict[str, Any]:
        count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
        page, size = pagination.page, pagination.page_size
        last_page = max(1, math.ceil(count / size))
        if page > last_page:
            raise NotFound("Invalid page.")
        start = (page - 1) * size
        return {
            "count": count,
            "next": _page_url(request, page + 1) if page < last_page else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": list(queryset[start : start + size]),
        }


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    if page == 1:
        query.pop("page", None)
    else:
        query["page"] = str(page)
    encoded = query.urlencode()
    return request.build_absolute_uri(request.path + (f"?{encoded}" if encoded else ""))
